/**
 * The AS plan: which switches share an AS, and who must accept its own AS in a path (allowas-in).
 * RFC 7938 section 5.2: every switch its own AS, or all spines in one AS (5.2.1), or leaf ASNs
 * reused (5.2.2, 5.2.4), where a leaf that shares its AS accepts paths carrying it once. In a
 * 5-stage Clos (5.2.1): the super-spines in one AS, the spines of each pod in one AS per pod. No
 * other design needs allowas-in: a path from one pod to another never carries the receiving pod's
 * spine AS, and a path from a super-spine through a spine to another super-spine is longer than the
 * direct one (with the super-spines in one AS, dropped).
 */
import type { TopologyFile } from "./schema.js";

type Add = (path: string, message: string) => void;
type Role = TopologyFile["switches"][string]["role"];

/** AS_TRANS and the last 2-byte AS: valid numbers that no switch may use. */
const RESERVED = new Map<number, string>([
  [23456, "AS_TRANS (RFC 6793), the placeholder 2-byte speakers see for a 4-byte AS"],
  [65535, "reserved (RFC 7300)"],
]);

const PRIVATE = "use a private AS: 64512-65534 (2-byte) or 4200000000-4294967294 (4-byte)";

/** The asPlan key of a role. */
const PLAN_KEY = { "super-spine": "superSpine", spine: "spine", leaf: "leaf" } as const satisfies Record<Role, keyof TopologyFile["asPlan"]>;

/** True when the file writes no AS plan: then the messages speak of switches, as before plans. */
function isDefault(file: TopologyFile): boolean {
  return file.asPlan.superSpine === "per-switch" && file.asPlan.spine === "per-switch" && file.asPlan.leaf === "per-switch";
}

/** Every way the switches' ASNs break the plan, each with its path. */
export function checkAsPlan(file: TopologyFile, add: Add): void {
  const owner = new Map<number, { name: string; role: Role; pod: string | undefined }>();
  // The first switch of each group that shares one AS: a role (shared), or a role's pod (per-pod).
  const firstOfGroup = new Map<string, { name: string; asn: number }>();
  const tiers = Object.values(file.switches).some((sw) => sw.role === "super-spine") ? 3 : 2;
  if (tiers === 3 && file.asPlan.spine === "shared") {
    add("asPlan.spine", "shared puts every pod's spines in one AS: a pod's routes reach another pod through the super-spines carrying that AS, and the other pod's spines drop them (write per-pod, RFC 7938 5.2.1)");
  }
  for (const [name, sw] of Object.entries(file.switches)) {
    const path = `switches.${name}.asn`;
    const reserved = RESERVED.get(sw.asn);
    if (reserved) add(path, `AS ${sw.asn} is ${reserved}; ${PRIVATE}`);
    const key = PLAN_KEY[sw.role];
    const policy: string = file.asPlan[key];
    const group = policy === "shared" ? sw.role : policy === "per-pod" ? `${sw.role} ${sw.pod ?? ""}` : undefined;
    const first = group === undefined ? undefined : firstOfGroup.get(group);
    if (group !== undefined && !first) firstOfGroup.set(group, { name, asn: sw.asn });
    if (first && first.asn !== sw.asn) {
      const which = policy === "per-pod" ? `the spines of a pod are in one AS (${name} and ${first.name} are in ${sw.pod ?? "the same pod"})` : `every ${sw.role} is in one AS`;
      add(path, `AS ${sw.asn} differs from ${first.name}'s AS ${first.asn}; asPlan.${key} is ${policy}: ${which}`);
      continue;
    }
    const previous = owner.get(sw.asn);
    if (!previous) {
      owner.set(sw.asn, { name, role: sw.role, pod: sw.pod });
    } else if (isDefault(file)) {
      add(path, `AS ${sw.asn} is already used by ${previous.name}; each switch has its own AS`);
    } else if (previous.role !== sw.role) {
      add(path, `AS ${sw.asn} is already used by ${previous.name}, a ${previous.role}; a ${sw.role} and a ${previous.role} never share an AS (their sessions are eBGP)`);
    } else if (policy === "per-switch") {
      add(path, `AS ${sw.asn} is already used by ${previous.name}; asPlan.${key} is per-switch: each ${sw.role} has its own AS`);
    } else if (policy === "per-pod" && previous.pod !== sw.pod) {
      add(path, `AS ${sw.asn} is already used by ${previous.name} of ${previous.pod ?? "no pod"}; asPlan.${key} is per-pod: each pod's spines have their own AS`);
    }
  }
  if (file.asPlan.leaf === "reused" && !Object.keys(file.switches).some((name) => allowasIn(file, name) > 0)) {
    add("asPlan.leaf", "reused, but no two leaves share an AS: allowas-in is for a reused AS only (write per-switch)");
  }
}

/**
 * How many times a switch accepts its own AS in a received path: once for a leaf whose AS another
 * leaf reuses (its racks reach each other through a spine, the path carrying their shared AS), else never.
 */
export function allowasIn(file: TopologyFile, name: string): number {
  const sw = file.switches[name];
  if (!sw || sw.role !== "leaf" || file.asPlan.leaf !== "reused") return 0;
  const sharing = Object.entries(file.switches).filter(([other, o]) => other !== name && o.role === "leaf" && o.asn === sw.asn);
  return sharing.length > 0 ? 1 : 0;
}
