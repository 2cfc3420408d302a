/** The kernel settings a switch needs before its interfaces come up, whatever made the machine. */
import type { Switch } from "../topology/model.js";

/**
 * IPv6 on (its link-local addresses) wherever a switch has an unnumbered link: the session runs
 * over them. Empty for a numbered switch.
 */
export function ipv6Sysctls(sw: Switch): string[] {
  const bare = sw.interfaces.filter((i) => i.unnumbered);
  if (bare.length === 0) return [];
  return ["all", "default", ...bare.map((i) => i.name)].map((c) => `net.ipv6.conf.${c}.disable_ipv6=0`);
}
