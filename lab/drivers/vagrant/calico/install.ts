/**
 * Calico in and out of the kubeadm cluster, with kubectl and calicoctl on the control plane.
 * calicoctl, not kubectl, applies the resources: they are projectcalico.org/v3, which the manifest
 * install does not serve through the API server (that takes Calico's API server); the manifest only
 * adds the crd.projectcalico.org/v1 CRDs, which calicoctl writes with validation and defaulting.
 */
import { applyVtysh, leafPeeringCommands, leafUnpeeringCommands } from "../../../calico/fabric.js";
import { calicoPlan, calicoResourcesText, type CalicoMode, type CalicoPlan } from "../../../calico/resources.js";
import { CALICO_MANIFEST_URL, CALICOCTL_PATH, calicoctlUrl } from "../../../calico/version.js";
import { eventually } from "../../../expect/eventually.js";
import { leaves, type Topology } from "../../../topology/model.js";
import { must } from "../../../transport/must.js";
import type { Progress } from "../../driver.js";
import { controlPlane, type VagrantCalicoLab } from "./lab.js";
import { CALICO_CRDS, CALICO_NODE_ANNOTATIONS, CHANGING, CNI_FILES, MARKER, MARKER_NAMESPACE, TEST_NAMESPACE, calicoNodeEnv, markerManifest, testPodsManifest, withCalicoNodeEnv } from "./manifest.js";
import { calicoNodeReady, noPodRoutes, nodesNotReady, testPodsRunning, WrongAddressError } from "./waits.js";

const MODES: readonly CalicoMode[] = ["peering", "overlay"];

/** Calico in a mode on a cluster without it: the leaves (peering), the manifest, the resources, calico-node Ready, the test pods. */
export async function installCalico(lab: VagrantCalicoLab, plan: CalicoPlan, progress: Progress): Promise<void> {
  const t = lab.topology;
  const kubectl = lab.kubectl();
  const started = performance.now();
  await mark(lab, CHANGING);
  // The leaves first: a BIRD that reaches a leaf not yet configured is refused, and waits before it tries again.
  if (plan.mode === "peering") await Promise.all(leaves(t).map((leaf) => applyVtysh(lab.runner(leaf.name), leafPeeringCommands(t, leaf))));
  const calicoctl = await installCalicoctl(lab);
  progress(`pod network: installing Calico (${CALICO_MANIFEST_URL}, calico-node with ${calicoNodeEnv(t).map((e) => e.name).join(", ")})`);
  // Fetched by the control plane (the machine running fabricspec may have no internet), edited
  // here, applied once: calico-node's first pods already have its settings (./manifest.ts).
  const manifest = await must(lab.runner(controlPlane(t)), ["curl", "-fsSL", "--retry", "3", CALICO_MANIFEST_URL], undefined, 300_000);
  await must(kubectl, ["kubectl", "apply", "-f", "-"], withCalicoNodeEnv(manifest.stdout, CALICO_MANIFEST_URL, calicoNodeEnv(t)), 300_000);
  await must(kubectl, ["kubectl", "wait", "--for", "condition=established", "--timeout", "60s", ...CALICO_CRDS], undefined, 90_000);
  // The labels the resources select nodes by (a rack's BGPPeer): Kubernetes node labels are Calico's.
  for (const node of plan.nodes) {
    const labels = Object.entries(node.labels).map(([k, v]) => `${k}=${v}`);
    if (labels.length > 0) await must(kubectl, ["kubectl", "label", "node", node.node, ...labels, "--overwrite"]);
  }
  const resources = calicoResourcesText(t, plan.mode, plan.encapsulation === "vxlan" ? "vxlan" : "ipip");
  await must(lab.runner(controlPlane(t)), ["env", "DATASTORE_TYPE=kubernetes", `KUBECONFIG=${lab.kubeconfig}`, calicoctl, "apply", "-f", "-"], resources.text);
  progress(`pod network: Calico resources applied (${resources.source}); waiting for calico-node on ${t.hosts.length} nodes`);
  const ready = await eventually(() => calicoNodeReady(lab), lab.budgets.calicoNodeReady);
  progress(`pod network: calico-node Ready on every node (${ready.elapsedMs} ms)`);
  await must(kubectl, ["kubectl", "apply", "-f", "-"], testPodsManifest(plan));
  await eventually(() => testPodsRunning(lab, plan), lab.budgets.testPodsRunning, { isFatal: (e) => e instanceof WrongAddressError });
  await mark(lab, plan.mode);
  progress(`pod network: Calico ${plan.mode} (${plan.nodes.length} test pods) in ${Math.round(performance.now() - started)} ms`);
}

/** Takes out everything installCalico put in, in an order that leaves no pod stuck and no route behind. */
export async function removeCalico(lab: VagrantCalicoLab, progress: Progress): Promise<void> {
  const t = lab.topology;
  const kubectl = lab.kubectl();
  const started = performance.now();
  await mark(lab, CHANGING);
  // The leaves first: their sessions end with a notification, and the spines withdraw the blocks at once.
  await Promise.all(leaves(t).map((leaf) => applyVtysh(lab.runner(leaf.name), leafUnpeeringCommands(t, leaf))));
  // The test pods while Calico's CNI plugin can still release their addresses.
  await must(kubectl, ["kubectl", "delete", "namespace", TEST_NAMESPACE, "--ignore-not-found", "--timeout", "120s"], undefined, 180_000);
  await must(kubectl, ["kubectl", "delete", "-f", CALICO_MANIFEST_URL, "--ignore-not-found", "--timeout", "300s"], undefined, 360_000);
  const labelKeys = [...new Set(MODES.flatMap((m) => safePlan(t, m)?.nodes.flatMap((n) => Object.keys(n.labels)) ?? []))];
  if (labelKeys.length > 0) await must(kubectl, ["kubectl", "label", "node", "--all", ...labelKeys.map((k) => `${k}-`)]);
  await must(kubectl, ["kubectl", "annotate", "node", "--all", ...CALICO_NODE_ANNOTATIONS.map((a) => `${a}-`)]);
  // Pods with addresses from the removed pools (CoreDNS) go back to waiting for a network, as in part 2.
  await must(kubectl, ["kubectl", "delete", "pods", "--namespace", "kube-system", "--selector", "k8s-app=kube-dns", "--ignore-not-found", "--wait=false"]);
  await Promise.all(
    t.hosts.map(async (h) => {
      const runner = lab.runner(h.name);
      await must(runner, ["rm", "-f", ...CNI_FILES]);
      await must(runner, ["ip", "route", "flush", "proto", "bird"]);
    }),
  );
  const pools = [...new Set(MODES.flatMap((m) => safePlan(t, m)?.pools ?? [t.podNetwork]))];
  await eventually(() => noPodRoutes(lab, pools), lab.budgets.routeWithdrawn);
  await eventually(() => nodesNotReady(lab), lab.budgets.podNetworkRemoved);
  await must(kubectl, ["kubectl", "delete", "configmap", MARKER, "--namespace", MARKER_NAMESPACE, "--ignore-not-found"]);
  progress(`pod network: none (Calico removed in ${Math.round(performance.now() - started)} ms)`);
}

/** calicoctl of the pinned release on the control plane, fetched there once (the machines have internet). */
async function installCalicoctl(lab: VagrantCalicoLab): Promise<string> {
  const cp = lab.runner(controlPlane(lab.topology));
  if ((await cp.run(["test", "-x", CALICOCTL_PATH])).exitCode === 0) return CALICOCTL_PATH;
  const arch = (await must(cp, ["dpkg", "--print-architecture"])).stdout.trim();
  await must(cp, ["curl", "-fsSL", "--retry", "3", "-o", CALICOCTL_PATH, calicoctlUrl(arch)], undefined, 300_000);
  await must(cp, ["chmod", "0755", CALICOCTL_PATH]);
  return CALICOCTL_PATH;
}

async function mark(lab: VagrantCalicoLab, mode: string): Promise<void> {
  await must(lab.kubectl(), ["kubectl", "apply", "-f", "-"], markerManifest(mode));
}

/** The plan of a mode, or undefined when its resources do not fit (removal must go on regardless). */
function safePlan(t: Topology, mode: CalicoMode): CalicoPlan | undefined {
  try {
    return calicoPlan(t, mode);
  } catch {
    return undefined;
  }
}
