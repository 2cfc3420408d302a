/**
 * A real Kubernetes control plane on the embedded lab: etcd, kube-apiserver, kube-controller-manager
 * and kube-scheduler (lab/kinds/kubernetes.ts) as processes in the control-plane host's namespace,
 * started the first time a scenario asks for the Kubernetes API, with certificates made for this
 * lab, every file in the host's directory, every process recorded by its PID and stopped with the
 * lab. kubectl runs in the same namespace: nothing of it is reachable from outside the lab.
 *
 * Then a kubelet and its containerd on every host (./kubelets.ts), each registered with its fabric
 * address: NotReady with no pod network, as in the blog before Calico, and Ready once the pod
 * network (./calico.ts) has written each node's CNI configuration; each change of the pod network
 * waits for the nodes to follow it, as a real cluster's nodes follow Calico's install-cni.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConvergenceError, LabError } from "../../errors.js";
import { budgets } from "../../expect/budgets.js";
import { eventually } from "../../expect/eventually.js";
import {
  apiServerUrl,
  CONTROL_PLANE_COMPONENTS,
  CONTROL_PLANE_PROGRAMS,
  controlPlaneCommands,
  controlPlaneFiles,
  KUBECONFIG_USERS,
  KUBECTL,
  KUBERNETES_BUILD,
  KUBERNETES_RELEASE,
  renderKubeconfig,
  type ComponentCommand,
  type ControlPlaneComponent,
  type KubeconfigUser,
} from "../../kinds/kubernetes.js";
import { rewriting } from "../../kinds/kind.js";
import { KUBERNETES_NODE_PROGRAMS } from "../../kinds/kubernetes-node.js";
import { PROBE_IMAGE } from "../../kubernetes/images.js";
import { nodesCatchingUp } from "../../kubernetes/judge.js";
import { OPENSSL, pkiPlan, serviceAccountPublicKey } from "../../kubernetes/pki.js";
import { isAlive } from "../../lock.js";
import { aptInstall } from "../../packages.js";
import { kubernetesNodes } from "../../probes/kubernetes.js";
import type { Host, Topology } from "../../topology/model.js";
import { runLocal } from "../../transport/local.js";
import type { CommandRunner } from "../../transport/runner.js";
import type { KubernetesAccess, PodNetworkMode, Progress, Support } from "../driver.js";
import type { NetnsContext } from "./addons.js";
import { hasCgroupV1 } from "./cgroups.js";
import { NODE_DAEMONS, startKubelets, type Spawn } from "./kubelets.js";
import { commandLine } from "./processes.js";

const START_STOP_DAEMON = "/usr/sbin/start-stop-daemon";

/** Why no scenario that needs Calico's own pods runs here. */
export const NO_CALICO_PODS: Support = {
  ok: false,
  reason:
    "Calico's own pods (calico-node, its CNI plugin) do not run on the netns lab: it runs Calico's BGP as BIRD 1.6 processes with calico-node's configuration, and wires its kubelets' pods with the CNI reference plugins (ptp, host-local) over each node's Calico block; calico-node, Felix and Calico's CNI and IPAM are not built here",
};

export class NetnsKubernetes {
  private starting: Promise<void> | undefined;

  private get topology(): Topology {
    return this.topologyOf();
  }

  constructor(
    private readonly topologyOf: () => Topology,
    private readonly contextOf: () => NetnsContext,
  ) {}

  /** What the control plane needs on this machine: a control-plane host, the built binaries, openssl. */
  support(): Support {
    const control = this.controlPlaneHost();
    if (!control) return { ok: false, reason: `topology "${this.topology.name}" has no control-plane host` };
    const missing = CONTROL_PLANE_PROGRAMS.filter((file) => !existsSync(file));
    if (missing.length > 0) {
      return { ok: false, reason: `Kubernetes v${KUBERNETES_RELEASE.kubernetes} is not built on this machine (no ${missing.join(", ")}): ${KUBERNETES_BUILD}` };
    }
    if (!existsSync(OPENSSL)) return { ok: false, reason: `${OPENSSL} not found (${aptInstall(["openssl"])}): it makes the control plane's certificates` };
    if (!existsSync(START_STOP_DAEMON)) return { ok: false, reason: `${START_STOP_DAEMON} not found (${aptInstall(["start-stop-daemon"])}): it runs the control plane's components as daemons` };
    return { ok: true };
  }

  /** The API, its control plane started on the first call (and once more after a failed start). */
  async access(progress: Progress = () => {}): Promise<KubernetesAccess> {
    const support = this.support();
    const control = this.controlPlaneHost();
    if (!support.ok || !control) return { ok: false, reason: support.ok ? "no control-plane host" : support.reason };
    this.starting ??= this.ensure(control, progress).catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    await this.starting;
    const kubelets = this.nodeSupport();
    // The lab has no registry: its nodes import the probe image (../../kubernetes/images.ts) and never pull.
    return { ok: true, kubectl: this.kubectl(control), calicoPods: NO_CALICO_PODS, probeImage: { name: PROBE_IMAGE.name, pullPolicy: "Never" }, ...(kubelets.ok ? {} : { kubelets }) };
  }

  /**
   * Waits until every node's Ready condition follows the pod network `mode` (Ready with one,
   * NotReady without); nothing to do before the kubelets run. What is still behind when the budget
   * ends is left to the scenarios to judge, as failed: a stopped kubelet is the cluster's finding.
   */
  async followPodNetwork(mode: PodNetworkMode, progress: Progress): Promise<void> {
    const control = this.controlPlaneHost();
    const context = this.contextOf();
    if (!control || !context.recorded().processes.some((p) => p.daemon === "kubelet")) return;
    const kubectl = this.kubectl(control);
    const state = mode === "none" ? "NotReady" : "Ready";
    try {
      const settled = await eventually(async () => {
        const waiting = nodesCatchingUp(this.topology, (await kubernetesNodes(kubectl)).value, mode !== "none");
        if (waiting.length > 0) throw new ConvergenceError(`Kubernetes nodes not yet ${state}: ${waiting.join(", ")}`);
      }, budgets(this.topology.bgp).nodesFollowPodNetwork, { signal: context.signal });
      if (settled.attempts > 1) progress(`Kubernetes nodes ${state} in ${settled.elapsedMs} ms`);
    } catch (error) {
      if (context.signal?.aborted) throw error;
      progress(`${error instanceof Error ? error.message : String(error)}; left to the scenarios`);
    }
  }

  /** What a kubelet on every host needs here: kubelet, containerd, runc, unshare; cgroup v1 (what they are configured for). */
  nodeSupport(): Support {
    const missing = KUBERNETES_NODE_PROGRAMS.filter((file) => !existsSync(file));
    if (missing.length > 0) return { ok: false, reason: `no kubelet runs on the netns lab's hosts: ${missing.join(", ")} not installed (${aptInstall(["containerd", "runc"])}; ${KUBERNETES_BUILD})` };
    if (!hasCgroupV1()) return { ok: false, reason: "no kubelet runs on the netns lab's hosts: this machine has no cgroup v1 hierarchies, and the lab's kubelets are configured for cgroup v1 (cgroupfs)" };
    return { ok: true };
  }

  private controlPlaneHost(): Host | undefined {
    return this.topology.hosts.find((h) => h.role === "control-plane");
  }

  private home(control: Host): string {
    return join(this.contextOf().nodeDir(control.name), "kubernetes");
  }

  /** kubectl as the cluster's admin, in the control-plane host's namespace. */
  kubectl(control: Host): CommandRunner {
    const admin = controlPlaneFiles(this.home(control)).kubeconfig("admin");
    const inNamespace = this.contextOf().localRunner(control.name);
    const runner = rewriting(inNamespace, (argv) => (argv[0] === "kubectl" ? [KUBECTL, `--kubeconfig=${admin}`, ...argv.slice(1)] : argv));
    return { node: "kubectl", run: (argv, options) => runner.run(argv, options) };
  }

  /**
   * Starts what the lab has never started: the control plane, then the kubelets. Whatever of it is
   * recorded (started by this process or another, e.g. the run that `lab up` kept) is used as it is,
   * even degraded: it may be broken on purpose, and a stopped kubelet is a finding, not a reason to
   * start the cluster again.
   */
  private async ensure(control: Host, progress: Progress): Promise<void> {
    const context = this.contextOf();
    const recorded = (names: readonly string[]) => context.recorded().processes.filter((p) => names.includes(p.daemon));
    if (recorded(CONTROL_PLANE_COMPONENTS).length === 0) await this.start(control, context, progress);
    if (this.nodeSupport().ok && recorded(NODE_DAEMONS).length === 0) {
      const started = performance.now();
      const spawn: Spawn = (host, name, argv, binary, pidFile, log) => spawnForeground(context, host, name, argv, binary, pidFile, log);
      await startKubelets(this.topology, context, control, this.kubectl(control), spawn);
      progress(`kubelet and containerd on ${this.topology.hosts.length} hosts, every node registered, in ${Math.round(performance.now() - started)} ms`);
    }
  }

  private async start(control: Host, context: NetnsContext, progress: Progress): Promise<void> {
    const started = performance.now();
    const home = this.home(control);
    const files = controlPlaneFiles(home);
    rmSync(home, { recursive: true, force: true }); // a cluster started anew: no etcd data, no certificates of the one before
    mkdirSync(files.pki, { recursive: true });
    await makeCertificates(home, control);
    for (const user of Object.keys(KUBECONFIG_USERS) as KubeconfigUser[]) {
      writeFileSync(files.kubeconfig(user), renderKubeconfig(home, user, apiServerUrl(control.address)), { mode: 0o600 });
    }
    // etcd and the API server first: the controller manager and the scheduler exit at once when the
    // API server denies them what its RBAC bootstrap has not granted yet (no kubelet restarts them here).
    const commands = controlPlaneCommands(control.name, control.address, home);
    const b = budgets(this.topology.bgp);
    const kubectl = this.kubectl(control);
    for (const command of commands.filter((c) => c.component === "etcd" || c.component === "kube-apiserver")) await this.spawn(control, context, home, command);
    await eventually(async () => {
      this.stillRunning(control, context, ["etcd", "kube-apiserver"]);
      const r = await kubectl.run(["kubectl", "get", "--raw", "/readyz"], { timeoutMs: 10_000 });
      if (r.exitCode !== 0 || r.stdout.trim() !== "ok") throw new LabError(`the API server on ${control.name} is not ready: ${(r.stdout.trim() || r.stderr.trim()).split("\n").slice(-3).join(" ")}`);
    }, b.apiServerReady, { isFatal: (e) => e instanceof ComponentExited, signal: context.signal });
    for (const command of commands.filter((c) => c.component !== "etcd" && c.component !== "kube-apiserver")) await this.spawn(control, context, home, command);
    await eventually(async () => {
      this.stillRunning(control, context, CONTROL_PLANE_COMPONENTS);
      const r = await kubectl.run(["kubectl", "get", "leases", "--namespace=kube-system", "kube-controller-manager", "kube-scheduler", "-o", "name"], { timeoutMs: 10_000 });
      if (r.exitCode !== 0) throw new LabError(`the controller manager and the scheduler have not both taken their leases on ${control.name}: ${r.stderr.trim().split("\n").slice(-2).join(" ")}`);
    }, b.controlPlaneLeases, { isFatal: (e) => e instanceof ComponentExited, signal: context.signal });
    progress(`Kubernetes v${KUBERNETES_RELEASE.kubernetes} control plane up on ${control.name} (${apiServerUrl(control.address)}) in ${Math.round(performance.now() - started)} ms`);
  }

  /** Starts one component as a daemon in the host's namespace, recorded by its PID; returns once the PID runs it. */
  private async spawn(control: Host, context: NetnsContext, home: string, command: ComponentCommand): Promise<void> {
    const files = controlPlaneFiles(home);
    mkdirSync(files.certDir(command.component), { recursive: true });
    await spawnForeground(context, control.name, command.component, [command.binary, ...command.args], command.binary, files.pidFile(command.component), files.log(command.component));
  }

  /** Throws, with the end of its log, when one of `components` has exited. */
  private stillRunning(control: Host, context: NetnsContext, components: readonly ControlPlaneComponent[]): void {
    const running = new Set(context.recorded().processes.filter((p) => p.node === control.name).map((p) => p.daemon));
    const files = controlPlaneFiles(this.home(control));
    for (const component of components) {
      if (!running.has(component)) throw new ComponentExited(`${component} on ${control.name} exited: ${tail(files.log(component))}`, { hint: `see ${files.log(component)}` });
    }
  }
}

class ComponentExited extends LabError {}

/**
 * Starts a program that stays in the foreground as a daemon in a host's namespace (nsenter --net:
 * the machine's /sys, cgroups included, stays in view), with start-stop-daemon writing its PID file
 * and log; returns once the PID runs `binary` (start-stop-daemon writes the PID file in its child
 * before that execs; a wrapper such as unshare execs on to `binary` in turn).
 */
export async function spawnForeground(context: NetnsContext, node: string, name: string, argv: readonly string[], binary: string, pidFile: string, log: string): Promise<void> {
  const [program, ...args] = argv;
  if (program === undefined) throw new LabError(`no command for ${name} on ${node}`);
  const started = await context.spawnDaemon({
    node,
    name,
    enter: "nsenter",
    argv: [START_STOP_DAEMON, "--start", "--background", "--make-pidfile", "--pidfile", pidFile, "--output", log, "--exec", program, "--", ...args],
    pidFile,
    command: binary,
    log,
  });
  await eventually(async () => {
    if (!isAlive(started.pid)) throw new ComponentExited(`${name} on ${node} exited: ${tail(log)}`, { hint: `see ${log}` });
    if (!(commandLine(started.pid) ?? "").startsWith(binary)) throw new LabError(`${name} on ${node} (PID ${started.pid}) has not started ${binary}`);
  }, budgets(context.topology.bgp).daemonStart, { isFatal: (e) => e instanceof ComponentExited });
}

/** The certificates, the CA first (the others are signed with it), then the rest at once. */
async function makeCertificates(home: string, control: Host): Promise<void> {
  const plan = pkiPlan(home, control.name, control.address);
  writeFileSync(plan.configFile, plan.config);
  const must = async (argv: readonly string[]) => {
    const r = await runLocal(argv, { timeoutMs: 30_000 });
    if (r.exitCode !== 0) throw new LabError(`making the control plane's certificates failed: ${argv.join(" ")}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  };
  await must(plan.ca);
  await Promise.all(plan.leaves.map(must));
  await must(serviceAccountPublicKey(home));
}

/** The last lines of a log, for an error message. */
function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-3).join(" | ") || "(its log is empty)";
  } catch {
    return "(no log)";
  }
}
