/**
 * Calico per scenario on the Vagrant lab: the real Calico, installed from its manifest on the
 * kubeadm cluster, configured from the same resources (`lab/calico/<topology>/<mode>.yaml`) whose
 * BIRD configuration the embedded lab generates, and taken out again for the blog's part 2.
 *
 * peering  the leaves into peering mode (the vtysh commands of lab/calico/fabric.ts, the same as
 *          the embedded lab's), Calico's manifest with calico-node's address autodetection pinned
 *          to the hosts' fabric interface and Felix's route source set to the node's fabric address
 *          (./manifest.ts calicoNodeEnv), the nodes labelled as the resources select them, the
 *          resources applied with calicoctl, calico-node Ready on every node, one test pod per node
 * overlay  the same without the leaves and with the overlay resources (mesh, IPIP)
 * none     all of it removed: no Calico, no CNI configuration (nodes NotReady again), no leaf peering
 *
 * The test pods are real pods, one per node (`nodeName`), each with the address the plan gives it
 * (Calico's `cni.projectcalico.org/ipAddrs` annotation; Calico's IPAM then claims that address's
 * block for the node, so the blocks the scenarios expect are the ones the nodes advertise). A pod's
 * runner runs the command in the pod's network namespace on its node (./runners.ts).
 *
 * The mode the lab is in is recorded in the cluster (a ConfigMap, written before a change starts and
 * set to the mode once it is complete), so a lab changed by another run, or left half-changed by an
 * interrupted one, is recognised; in this process the mode is remembered, so "none" before every
 * scenario costs nothing once the lab is in it.
 *
 * This file is the state machine; ./install.ts the kubectl choreography, ./waits.ts what it waits
 * for, ./manifest.ts what it applies, ./runners.ts the runners into pods and calico-node.
 */
import { rackNodes } from "../../../calico/fabric.js";
import { overlayFromEnvironment, type CalicoMode } from "../../../calico/modes.js";
import { calicoPlan, type CalicoPlan } from "../../../calico/resources.js";
import { LabError } from "../../../errors.js";
import { bgpSummary } from "../../../probes/index.js";
import { kubernetesObjects } from "../../../probes/kubernetes.js";
import { leaves } from "../../../topology/model.js";
import type { PodNetwork, PodNetworkMode, Progress, Support } from "../../driver.js";
import { installCalico, removeCalico } from "./install.js";
import type { VagrantCalicoLab } from "./lab.js";
import { MARKER, MARKER_NAMESPACE } from "./manifest.js";
import { podNetns, podRunner } from "./runners.js";

type Observed = PodNetworkMode | "partial";

export class VagrantPodNetworks {
  /** The mode this process brought the lab into or found it in; undefined: ask the lab. */
  private known: PodNetwork | undefined;

  constructor(private readonly lab: VagrantCalicoLab) {}

  /** The lab may have changed under us (machines rebuilt, FRR restarted): ask it next time. */
  forget(): void {
    this.known = undefined;
  }

  /** Every mode runs on the Vagrant lab: its machines' kernels have ipip, and Calico is the real one. */
  support(_mode: PodNetworkMode): Support {
    const t = this.lab.topology;
    if (!t.hosts.some((h) => h.role === "control-plane")) return { ok: false, reason: `topology "${t.name}" has no control-plane host to install Calico from` };
    return { ok: true };
  }

  async bringTo(mode: PodNetworkMode, progress: Progress = () => {}): Promise<PodNetwork> {
    const support = this.support(mode);
    if (!support.ok) throw new LabError(`the vagrant lab cannot run Calico in ${mode} mode: ${support.reason}`);
    if (this.known?.mode === mode) return this.known;
    try {
      const current = this.known?.mode ?? (await this.observe());
      if (current !== mode) {
        if (current !== "none") await removeCalico(this.lab, progress);
        if (mode !== "none") await installCalico(this.lab, this.plan(mode), progress);
      }
      this.known = mode === "none" ? noPods() : await this.network(this.plan(mode));
      return this.known;
    } catch (error) {
      this.known = undefined;
      throw error;
    }
  }

  /** The resources of a mode: the overlay in IPIP, as the manifest installs it, unless FABRICSPEC_CALICO_OVERLAY=vxlan. */
  private plan(mode: CalicoMode): CalicoPlan {
    return calicoPlan(this.lab.topology, mode, overlayFromEnvironment() ?? "ipip");
  }

  /** The mode the cluster records, checked against what exists (calico-node; in peering mode the leaves). */
  private async observe(): Promise<Observed> {
    const objects = (await kubernetesObjects(this.lab.kubectl(), ["daemonset/calico-node", `configmap/${MARKER}`], MARKER_NAMESPACE)).value;
    const calico = objects.some((o) => o.kind === "DaemonSet");
    const recorded = objects.find((o) => o.kind === "ConfigMap")?.data?.mode;
    if (!calico && recorded === undefined) return "none";
    if (!calico || (recorded !== "peering" && recorded !== "overlay")) return "partial";
    if (recorded === "peering" && !(await this.leavesPeering())) return "partial";
    return recorded;
  }

  /** Every leaf has its rack's nodes as BGP neighbors (a restarted FRR has dropped them). */
  private async leavesPeering(): Promise<boolean> {
    const t = this.lab.topology;
    const peered = await Promise.all(
      leaves(t).map(async (leaf) => {
        const peers = (await bgpSummary(this.lab.runner(leaf.name))).value.peers.map((p) => p.address);
        return rackNodes(t, leaf).every((n) => peers.includes(n.address));
      }),
    );
    return peered.every(Boolean);
  }

  /** The PodNetwork of a mode the lab is in: the plan's pods, each reached in its network namespace. */
  private async network(plan: CalicoPlan): Promise<PodNetwork> {
    const namespaces = new Map(await Promise.all(plan.nodes.map(async (n) => [n.pod.name, await podNetns(this.lab.runner(n.node), n.pod.name)] as const)));
    return {
      mode: plan.mode,
      encapsulation: plan.encapsulation,
      pods: plan.nodes.map((n) => ({ name: n.pod.name, node: n.node, address: n.pod.address })),
      findings: [],
      podRunner: (pod) => {
        const owner = plan.nodes.find((n) => n.pod.name === pod);
        const netns = namespaces.get(pod);
        if (!owner || netns === undefined) throw new LabError(`no test pod "${pod}" in the lab; pods: ${plan.nodes.map((n) => n.pod.name).join(", ")}`);
        return podRunner(pod, this.lab.runner(owner.node), netns);
      },
    };
  }
}

function noPods(): PodNetwork {
  return {
    mode: "none",
    encapsulation: "none",
    pods: [],
    findings: [],
    podRunner: (pod) => {
      throw new LabError(`no test pod "${pod}" in the lab; pods: none (no pod network)`);
    },
  };
}
