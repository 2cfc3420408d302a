/** The embedded lab's status from its record: each namespace there or not, each switch's FRR daemons running or not. */
import { FRR_DAEMONS } from "../../kinds/frr.js";
import { findNode, type Topology } from "../../topology/model.js";
import type { LabStatus, NodeStatus } from "../driver.js";
import { namespaceOf } from "./plan.js";
import { isRecorded, namespaceInode } from "./processes.js";
import type { LabState } from "./state.js";

/** `topology` describes the recorded lab only when its fingerprint is the recorded one. */
export function labStatus(driver: string, state: LabState | undefined, topology: Topology | undefined): LabStatus {
  if (!state) return { driver, state: "down", topology: undefined, nodes: [] };
  const running = new Set(state.processes.filter(isRecorded).map((p) => `${p.node}/${p.daemon}`));
  const nodes: NodeStatus[] = state.namespaces.map((ns) => {
    const name = ns.slice(namespaceOf("").length);
    const exists = namespaceInode(ns) !== undefined;
    const node = topology ? findNode(topology, name) : undefined;
    if (node?.kind !== "switch") {
      return { name, kind: "host", up: exists, detail: exists ? "namespace present" : "namespace missing" };
    }
    const down = FRR_DAEMONS.filter((d) => !running.has(`${name}/${d}`));
    return {
      name,
      kind: "switch",
      up: exists && down.length === 0,
      detail: !exists ? "namespace missing" : down.length ? `not running: ${down.join(", ")}` : `${FRR_DAEMONS.join(", ")} running`,
    };
  });
  const healthy = state.phase === "up" && nodes.every((n) => n.up);
  return { driver, state: healthy ? "up" : "degraded", topology: state.topology, nodes };
}
