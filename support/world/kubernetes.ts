/** The World's view of the lab's Kubernetes cluster: kubectl with evidence, and what the steps ask of it. */
import type { LabDriver } from "../../lab/drivers/driver.js";
import { LabError } from "../../lab/errors.js";
import { calicoNodeBirdProtocols, type BirdProtocol } from "../../lab/probes/bird.js";
import { apiEndpoints, controlPlaneLeases, readinessChecks, type ApiEndpoint, type Lease, type ReadinessCheck } from "../../lab/probes/control-plane.js";
import { calicoNodePods, kubernetesNodes, type KubernetesNode, type KubernetesPod } from "../../lab/probes/kubernetes.js";
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
}
