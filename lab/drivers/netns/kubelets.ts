/**
 * A kubelet and its containerd on every host of the embedded lab (lab/kinds/kubernetes-node.ts),
 * in the host's network namespace, joined to the control plane with the host's fabric address.
 * Everything through the lab's context: the cgroup roots and the sandboxes' mount points recorded
 * before they exist, the processes by their PID.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LabError } from "../../errors.js";
import { budgets } from "../../expect/budgets.js";
import { eventually } from "../../expect/eventually.js";
import { apiServerUrl, controlPlaneFiles } from "../../kinds/kubernetes.js";
import {
  cgroupRoot,
  CONTAINERD,
  containerdArgs,
  CTR,
  KUBELET,
  KUBELET_FIXED_DIRS,
  KUBELET_KERNEL_TUNABLES,
  kubeletSandboxedArgv,
  kubernetesNodeFiles,
  renderContainerdConfig,
  renderKubeletConfig,
  renderKubeletKubeconfig,
  type KubernetesNodeFiles,
} from "../../kinds/kubernetes-node.js";
import { podImageArchives, type PodImageArchives } from "../../kubernetes/images.js";
import { kubeletClientCertificate } from "../../kubernetes/pki.js";
import { parseKubernetesNodes } from "../../probes/kubernetes.js";
import { must } from "../../transport/must.js";
import type { Host, Topology } from "../../topology/model.js";
import { runLocal } from "../../transport/local.js";
import type { CommandRunner } from "../../transport/runner.js";
import type { NetnsContext } from "./addons.js";

/** The daemons of a Kubernetes node, by their names in the lab's records. */
export const NODE_DAEMONS = ["containerd", "kubelet"] as const;

/** Starts one daemon in a host's namespace; returns once its PID runs `binary` (the caller's own spawn). */
export type Spawn = (host: string, name: string, argv: readonly string[], binary: string, pidFile: string, log: string) => Promise<void>;

/** A node's directory for its kubelet and containerd (apart from a control-plane host's own files). */
export function nodeHome(context: NetnsContext, host: string): string {
  return join(context.nodeDir(host), "kubernetes-node");
}

/** Starts containerd and kubelet on every host, then waits until every host is registered. */
export async function startKubelets(t: Topology, context: NetnsContext, control: Host, kubectl: CommandRunner, spawn: Spawn): Promise<void> {
  const controlHome = join(context.nodeDir(control.name), "kubernetes");
  const images = await podImageArchives();
  await Promise.all(t.hosts.map((h) => startNode(context, h, controlHome, apiServerUrl(control.address), spawn, images)));
  await eventually(async () => {
    const r = await kubectl.run(["kubectl", "get", "nodes", "-o", "json"], { timeoutMs: 10_000 });
    const names = r.exitCode === 0 ? parseKubernetesNodes(r).map((n) => n.name) : [];
    const missing = t.hosts.filter((h) => !names.includes(h.name)).map((h) => h.name);
    if (missing.length > 0) throw new LabError(`not registered with the cluster yet: ${missing.join(", ")}${r.exitCode === 0 ? "" : ` (${r.stderr.trim()})`}`);
  }, budgets(t.bgp).nodesRegistered, { signal: context.signal });
  // What kubeadm's mark-control-plane phase does (NodeRestriction forbids a kubelet to do it itself).
  await must(kubectl, ["kubectl", "label", "node", control.name, `${CONTROL_PLANE_ROLE}=`, "--overwrite"]);
  await must(kubectl, ["kubectl", "taint", "node", control.name, `${CONTROL_PLANE_ROLE}:NoSchedule`, "--overwrite"]);
}

/** The control-plane node's role label and taint, as kubeadm sets them. */
export const CONTROL_PLANE_ROLE = "node-role.kubernetes.io/control-plane";

async function startNode(context: NetnsContext, h: Host, controlHome: string, server: string, spawn: Spawn, images: PodImageArchives): Promise<void> {
  const home = nodeHome(context, h.name);
  rmSync(home, { recursive: true, force: true });
  const f = kubernetesNodeFiles(home);
  for (const dir of [f.containerd.dir, f.cniConfDir, f.kubelet.root, f.kubelet.podLogs, f.kubelet.pki, f.sandbox]) mkdirSync(dir, { recursive: true });
  writeFileSync(f.containerd.config, renderContainerdConfig(f));
  writeFileSync(f.kubelet.config, renderKubeletConfig(f, h.name, h.address));
  writeFileSync(f.kubelet.kubeconfig, renderKubeletKubeconfig(f, h.name, server), { mode: 0o600 });
  writeFileSync(f.kubelet.ca, readFileSync(controlPlaneFiles(controlHome).ca, "utf8"));
  const cert = await runLocal(kubeletClientCertificate(controlHome, h.name, f.kubelet.cert, f.kubelet.key), { timeoutMs: 30_000 });
  if (cert.exitCode !== 0) throw new LabError(`making ${h.name}'s kubelet certificate failed: ${cert.stderr.trim()}`);
  writeSandbox(context, f);
  context.makeCgroup(cgroupRoot(h.name));
  await spawn(h.name, "containerd", [CONTAINERD, ...containerdArgs(f)], CONTAINERD, f.containerd.pidFile, f.containerd.log);
  await eventually(async () => {
    if (!existsSync(f.containerd.socket)) throw new LabError(`containerd on ${h.name} has not opened ${f.containerd.socket}`);
  }, budgets(context.topology.bgp).daemonStart, { signal: context.signal });
  // The pause before kubelet starts: containerd makes every pod's sandbox from it, and there is no registry to pull it from.
  for (const archive of [images.pause, images.probe]) {
    const imported = await runLocal([CTR, "--address", f.containerd.socket, "--namespace", "k8s.io", "images", "import", archive], { timeoutMs: 60_000 });
    if (imported.exitCode !== 0) throw new LabError(`importing ${archive} into ${h.name}'s containerd failed: ${imported.stderr.trim() || `exit ${imported.exitCode}`}`);
  }
  await spawn(h.name, "kubelet", kubeletSandboxedArgv(f, h.name, h.address), KUBELET, f.kubelet.pidFile, f.kubelet.log);
}

/** The sandbox's binds: a file per kernel tunable with the value kubelet wants, a directory of the node's per fixed directory. */
function writeSandbox(context: NetnsContext, f: KubernetesNodeFiles): void {
  const binds: string[] = [];
  const tunables = join(f.sandbox, "proc-sys");
  mkdirSync(tunables, { recursive: true });
  for (const [path, value] of Object.entries(KUBELET_KERNEL_TUNABLES)) {
    const file = join(tunables, path.replaceAll("/", "."));
    writeFileSync(file, `${value}\n`);
    binds.push(`${file} /proc/sys/${path}`);
  }
  for (const target of KUBELET_FIXED_DIRS) {
    const own = join(f.sandbox, target.slice(1).replaceAll("/", "-"));
    mkdirSync(own, { recursive: true });
    context.makeMountPoint(target);
    binds.push(`${own} ${target}`);
  }
  writeFileSync(join(f.sandbox, "binds"), `${binds.join("\n")}\n`);
}
