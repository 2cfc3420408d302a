/**
 * Judging a switch's BGP table against what BGP gives it over the topology (path-vector.ts):
 * exactly the expected prefixes learned, each best path with an expected AS path, no path that
 * carries the switch's own AS (unless allowas-in), the origin the fabric's origination gives.
 */
import type { BgpTable } from "../probes/bgp.js";
import { bestRoutes, originCode, type Switch, type Topology } from "../topology/model.js";

export function learnedFindings(t: Topology, sw: Switch, table: BgpTable): string[] {
  const findings: string[] = [];
  const expected = bestRoutes(t, sw);
  const origin = originCode(t);
  const learned = Object.entries(table.routes).flatMap(([prefix, paths]) => {
    const best = paths.find((p) => p.best && p.peerId !== undefined);
    return best ? [{ prefix, best }] : [];
  });
  for (const want of expected) {
    const paths = want.asPaths.map((p) => p.join(" ")).join(" or ");
    const got = learned.find((l) => l.prefix === want.prefix);
    if (!got) {
      findings.push(`${sw.name} has not learned ${want.prefix} over BGP (expected it from ${want.nextHops.map((h) => h.node).join(", ")}, AS path ${paths})`);
      continue;
    }
    const own = got.best.asNumbers.filter((asn) => asn === sw.asn).length;
    if (own > sw.allowasIn) {
      findings.push(`${sw.name}'s best path to ${want.prefix} carries its own AS ${sw.asn}: ${got.best.asPath} (expected AS-path loop prevention to drop it)`);
    } else if (!want.asPaths.some((p) => p.join(" ") === got.best.asNumbers.join(" "))) {
      findings.push(`${sw.name}'s best path to ${want.prefix} has AS path ${got.best.asPath || "(empty)"} (expected ${paths})`);
    }
    if (got.best.origin !== origin) {
      findings.push(`${sw.name}'s best path to ${want.prefix} has origin ${got.best.origin} (expected ${origin}: the fabric originates by ${t.origination})`);
    }
  }
  for (const extra of learned.filter((l) => !expected.some((r) => r.prefix === l.prefix))) {
    findings.push(`${sw.name} has learned ${extra.prefix} over BGP, AS path ${extra.best.asPath} (expected not: BGP carries no path to it over this fabric)`);
  }
  const count = learned.length;
  if (count !== expected.length) findings.push(`${sw.name} has learned ${count} prefixes over BGP (expected ${expected.length})`);
  return findings;
}
