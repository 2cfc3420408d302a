/** Subnets of a topology that overlap, for either address family: one check, its arithmetic passed in. */
import type { TopologyIssue } from "../errors.js";
import type { Cidr } from "./ip.js";

/** The arithmetic of one address family (ip.ts for IPv4, ip6.ts for IPv6). */
export interface FamilyArithmetic {
  readonly parse: (text: string) => Cidr | undefined;
  readonly contains: (cidr: Cidr, address: string) => boolean;
  readonly networkOf: (cidr: Cidr) => string;
}

/** An issue at the later of each pair of overlapping subnets (given as [path, CIDR]), naming the earlier. */
export function overlapIssues(subnets: ReadonlyArray<readonly [string, string]>, family: FamilyArithmetic): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  for (let i = 0; i < subnets.length; i++) {
    for (let j = 0; j < i; j++) {
      const [pathI, textI] = subnets[i] ?? ["", ""];
      const [pathJ, textJ] = subnets[j] ?? ["", ""];
      const x = family.parse(textI);
      const y = family.parse(textJ);
      if (!x || !y) continue;
      const [wider, narrower] = x.prefixLength <= y.prefixLength ? [x, y] : [y, x];
      if (family.contains(wider, narrower.address)) {
        issues.push({ path: pathI, message: `subnet ${family.networkOf(x)} overlaps ${family.networkOf(y)} (${pathJ})` });
      }
    }
  }
  return issues;
}
