/**
 * The AS plan: which switches share an AS, and who must accept its own AS in a path (allowas-in).
 * RFC 7938 section 5.2: every switch its own AS, or all spines in one AS (5.2.1), or leaf ASNs
 * reused (5.2.2, 5.2.4), where a leaf that shares its AS accepts paths carrying it once.
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

/** True when the file writes no AS plan: then the messages speak of switches, as before plans. */
function isDefault(file: TopologyFile): boolean {
  return file.asPlan.spine === "per-switch" && file.asPlan.leaf === "per-switch";
}

/** Every way the switches' ASNs break the plan, each with its path. */
export function checkAsPlan(file: TopologyFile, add: Add): void {
  const owner = new Map<number, { name: string; role: Role }>();
  const firstOfRole = new Map<Role, { name: string; asn: number }>();
  for (const [name, sw] of Object.entries(file.switches)) {
    const path = `switches.${name}.asn`;
    const reserved = RESERVED.get(sw.asn);
    if (reserved) add(path, `AS ${sw.asn} is ${reserved}; ${PRIVATE}`);
    const policy = file.asPlan[sw.role];
    const first = firstOfRole.get(sw.role);
    if (!first) firstOfRole.set(sw.role, { name, asn: sw.asn });
    if (policy === "shared" && first && first.asn !== sw.asn) {
      add(path, `AS ${sw.asn} differs from ${first.name}'s AS ${first.asn}; asPlan.${sw.role} is shared: every ${sw.role} is in one AS`);
      continue;
    }
    const previous = owner.get(sw.asn);
    if (!previous) {
      owner.set(sw.asn, { name, role: sw.role });
    } else if (isDefault(file)) {
      add(path, `AS ${sw.asn} is already used by ${previous.name}; each switch has its own AS`);
    } else if (previous.role !== sw.role) {
      add(path, `AS ${sw.asn} is already used by ${previous.name}, a ${previous.role}; a ${sw.role} and a ${previous.role} never share an AS (their sessions are eBGP)`);
    } else if (policy === "per-switch") {
      add(path, `AS ${sw.asn} is already used by ${previous.name}; asPlan.${sw.role} is per-switch: each ${sw.role} has its own AS`);
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
