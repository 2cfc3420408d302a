/** What installing and removing Calico wait for: each check throws, saying what it still sees, until it holds. */
import { noPodRouteFindings } from "../../../calico/judge.js";
import type { CalicoPlan } from "../../../calico/resources.js";
import { ConvergenceError, LabError } from "../../../errors.js";
import { podOnNode, podState, runningAndReady } from "../../../kubernetes/judge.js";
import { kernelRoutes } from "../../../probes/index.js";
import { calicoNodePods, kubernetesNodes, namespacePods } from "../../../probes/kubernetes.js";
import type { VagrantCalicoLab } from "./lab.js";
import { TEST_NAMESPACE } from "./manifest.js";

/** A test pod got another address than the plan's: waiting longer will not change it. */
export class WrongAddressError extends LabError {}

/** calico-node Running and ready on every Kubernetes node: a pod being deleted does not count (desk review item 9). */
export async function calicoNodeReady(lab: VagrantCalicoLab): Promise<void> {
  const pods = (await calicoNodePods(lab.kubectl())).value;
  const waiting = lab.topology.hosts.flatMap((h) => {
    const pod = podOnNode(pods, h.name);
    if (!pod) return [`${h.name} (no calico-node pod)`];
    return runningAndReady(pod) ? [] : [`${h.name} (${pod.name} ${podState(pod)})`];
  });
  if (waiting.length > 0) throw new ConvergenceError(`calico-node is not Ready on ${waiting.join(", ")}`);
}

/** Every test pod Running; a WrongAddressError at once when one got another address than the plan's. */
export async function testPodsRunning(lab: VagrantCalicoLab, plan: CalicoPlan): Promise<void> {
  const pods = (await namespacePods(lab.kubectl(), TEST_NAMESPACE)).value;
  const findings: string[] = [];
  for (const n of plan.nodes) {
    const pod = pods.find((p) => p.name === n.pod.name);
    if (pod?.address !== undefined && pod.address !== n.pod.address) {
      throw new WrongAddressError(`${n.pod.name} on ${n.node} got ${pod.address} from Calico's IPAM (expected ${n.pod.address}, the first address of the node's block ${n.block}: is that block taken by another node?)`);
    }
    if (!pod) findings.push(`${n.pod.name} (not created)`);
    else if (!runningAndReady(pod)) findings.push(`${n.pod.name} on ${pod.node ?? "?"} (${podState(pod)})`);
  }
  if (findings.length > 0) throw new ConvergenceError(`the test pods are not running: ${findings.join(", ")}`);
}

/** No switch routes anything inside the pools. */
export async function noPodRoutes(lab: VagrantCalicoLab, pools: readonly string[]): Promise<void> {
  const findings = await Promise.all(lab.topology.switches.map(async (sw) => noPodRouteFindings(sw.name, (await kernelRoutes(lab.runner(sw.name))).value, pools)));
  if (findings.flat().length > 0) throw new ConvergenceError(`pod routes are still in the fabric:\n  ${findings.flat().join("\n  ")}`);
}

/** Part 2's state: every node NotReady, for want of a network plugin. */
export async function nodesNotReady(lab: VagrantCalicoLab): Promise<void> {
  const nodes = (await kubernetesNodes(lab.kubectl())).value;
  const ready = nodes.filter((n) => n.ready === "True" && lab.topology.hosts.some((h) => h.name === n.name)).map((n) => n.name);
  if (ready.length > 0) throw new ConvergenceError(`still Ready with Calico removed: ${ready.join(", ")}`);
}
