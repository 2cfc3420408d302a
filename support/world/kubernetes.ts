/** The World's view of the lab's Kubernetes cluster: kubectl with evidence, and what the steps ask of it. */
import { mapBounded } from "../../lab/bounded.js";
import type { LabDriver } from "../../lab/drivers/driver.js";
import { LabError } from "../../lab/errors.js";
import { budgets } from "../../lab/expect/budgets.js";
import { eventually } from "../../lab/expect/eventually.js";
import {
  addressedProbePods,
  parsePingEach,
  pingEachCommand,
  podReachabilityFindings,
  PROBE_POD_NAMESPACE,
  PROBE_POD_SELECTOR,
  probePodFindings,
  probePodsManifest,
  probePodsStarting,
  PUBLIC_PROBE_IMAGE,
} from "../../lab/kubernetes/probe-pods.js";
import { calicoNodeBirdProtocols, type BirdProtocol } from "../../lab/probes/bird.js";
import { apiEndpoints, controlPlaneLeases, readinessChecks, type ApiEndpoint, type Lease, type ReadinessCheck } from "../../lab/probes/control-plane.js";
import { calicoNodePods, kubernetesNodes, namespacePods, type KubernetesNode, type KubernetesPod } from "../../lab/probes/kubernetes.js";
import { must } from "../../lab/transport/must.js";
import type { CommandRunner } from "../../lab/transport/runner.js";
import { kubernetesAccess } from "../lab.js";
import { withEvidence, type Attach } from "./evidence.js";
import { observe } from "./observe.js";

export class KubernetesView {
  constructor(
    private readonly lab: LabDriver,
    private readonly attach: Attach,
  ) {}

  /** kubectl against the lab's cluster, every command attached. */
  async kubectl(): Promise<CommandRunner> {
    const access = await kubernetesAccess(this.lab);
    if (!access.ok) throw new LabError(`no Kubernetes API: ${access.reason}`);
    return withEvidence(access.kubectl, this.attach);
  }

  async nodes(): Promise<KubernetesNode[]> {
    return (await kubernetesNodes(await this.kubectl())).value;
  }

  /** The API server's readiness checks (/readyz). */
  async readinessChecks(): Promise<ReadinessCheck[]> {
    return (await readinessChecks(await this.kubectl())).value;
  }

  /** Where the API server advertises itself (the kubernetes service's endpoints). */
  async apiEndpoints(): Promise<ApiEndpoint[]> {
    return (await apiEndpoints(await this.kubectl())).value;
  }

  /** The leader leases in kube-system, with the time they were read at. */
  async controlPlaneLeases(): Promise<{ leases: Lease[]; readAt: Date }> {
    const kubectl = await this.kubectl();
    const readAt = new Date();
    return { leases: (await controlPlaneLeases(kubectl)).value, readAt };
  }

  async calicoNodePods(): Promise<KubernetesPod[]> {
    return (await calicoNodePods(await this.kubectl())).value;
  }

  /** calico-node's BIRD on every host, asked through the Kubernetes API; undefined where no calico-node pod runs. */
  async calicoNodeBirds(): Promise<Map<string, readonly BirdProtocol[] | undefined>> {
    const kubectl = await this.kubectl();
    const pods = (await calicoNodePods(kubectl)).value;
    const birds = await Promise.all(
      this.lab.topology.hosts.map(async (h) => {
        const pod = pods.find((p) => p.node === h.name);
        return [h.name, pod ? await observe(h.name, "calico-node's BIRD", () => calicoNodeBirdProtocols(kubectl, pod.name)) : undefined] as const;
      }),
    );
    return new Map(birds);
  }

  /** The probe pods, by their label (../../lab/kubernetes/probe-pods.ts). */
  async probePods(kubectl?: CommandRunner): Promise<KubernetesPod[]> {
    const runner = kubectl ?? (await this.kubectl());
    return (await namespacePods(runner, PROBE_POD_NAMESPACE, PROBE_POD_SELECTOR)).value;
  }

  /**
   * A probe pod on every node, created and waited for until each runs or cannot (its node not
   * Ready); returns what is wrong then. The polling is not attached, only its outcome.
   */
  async runProbePods(): Promise<string[]> {
    const access = await kubernetesAccess(this.lab);
    if (!access.ok) throw new LabError(`no Kubernetes API: ${access.reason}`);
    const t = this.lab.topology;
    await this.deleteProbePods(); // left by an interrupted run, maybe on a pod network since replaced
    await must(await this.kubectl(), ["kubectl", "apply", "-f", "-"], probePodsManifest(t, access.probeImage ?? PUBLIC_PROBE_IMAGE));
    const state = async () => ({ pods: await this.probePods(access.kubectl), nodes: (await kubernetesNodes(access.kubectl)).value });
    let seen: Awaited<ReturnType<typeof state>> | undefined;
    try {
      await eventually(async () => {
        seen = await state();
        const starting = probePodsStarting(t, seen.pods, seen.nodes);
        if (starting.length > 0) throw new Error(`probe pods still starting: ${starting.join(", ")}`);
      }, budgets(t.bgp).testPodsRunning);
    } catch {
      // What is still not running is judged below, as the network's finding.
    }
    // The last state the wait saw; read once more only when no read succeeded (a probe error is then the lab's).
    const last = seen ?? (await state());
    this.attach(last.pods.map((p) => `${p.name} on ${p.node ?? "?"}: ${p.phase}${p.ready ? ", ready" : ""}${p.address ? `, ${p.address}` : ""}${p.waiting ? ` (${p.waiting})` : ""}`).join("\n") || "no probe pods", { mediaType: "text/plain", fileName: "probe pods" });
    return probePodFindings(t, last.pods, last.nodes);
  }

  /** From every probe pod, one ping to every other (a `kubectl exec` each, a few at a time). */
  async probePodReachability(): Promise<string[]> {
    const kubectl = await this.kubectl();
    const t = this.lab.topology;
    const probes = addressedProbePods(t, await this.probePods(kubectl));
    if (probes.length < t.hosts.length) throw new LabError(`only ${probes.length} of ${t.hosts.length} probe pods have an address: a step that runs them must pass first`);
    const findings = await mapBounded(probes, async (from) => {
      const targets = probes.filter((to) => to !== from).map((to) => to.address);
      const r = await kubectl.run(["kubectl", "exec", "--namespace", PROBE_POD_NAMESPACE, from.name, "--", ...pingEachCommand(targets)], { timeoutMs: 30_000 + targets.length * 3_000 });
      if (r.exitCode !== 0) return [`kubectl exec into ${from.name} on ${from.host} failed (exit ${r.exitCode}): ${r.stderr.trim().split("\n").slice(-2).join(" ")}`];
      return podReachabilityFindings(from, probes, parsePingEach(r.stdout));
    });
    return findings.flat();
  }

  /**
   * Deletes the probe pods and waits until they are gone; a pod whose node is not Ready (its
   * kubelet confirms nothing) is removed from the API at once, as `kubectl delete --force` does.
   */
  async deleteProbePods(): Promise<void> {
    const access = await kubernetesAccess(this.lab);
    if (!access.ok) return;
    const kubectl = withEvidence(access.kubectl, this.attach);
    const selector = ["--namespace", PROBE_POD_NAMESPACE, "--selector", PROBE_POD_SELECTOR];
    await must(kubectl, ["kubectl", "delete", "pods", ...selector, "--ignore-not-found", "--wait=false"]);
    await eventually(async () => {
      const left = await this.probePods(access.kubectl);
      if (left.length === 0) return;
      const nodes = (await kubernetesNodes(access.kubectl)).value;
      const orphaned = left.filter((p) => nodes.find((n) => n.name === p.node)?.ready !== "True").map((p) => p.name);
      if (orphaned.length > 0) await must(kubectl, ["kubectl", "delete", "pods", "--namespace", PROBE_POD_NAMESPACE, "--ignore-not-found", "--grace-period=0", "--force", ...orphaned]);
      throw new LabError(`probe pods not yet deleted: ${left.map((p) => p.name).join(", ")}`);
    }, budgets(this.lab.topology.bgp).podNetworkRemoved);
  }
}
