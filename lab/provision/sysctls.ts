/** The kernel settings a node needs before its interfaces come up, whatever made the machine. */
import type { Host, Switch } from "../topology/model.js";

/**
 * IPv6 on, set inside the node's own namespace or machine only, wherever it has an unnumbered link
 * (its link-local addresses carry the session) or IPv6 addresses of its own (dual stack). Empty for
 * a node that is IPv4 only.
 */
export function ipv6Sysctls(node: Switch | Host): string[] {
  const on = (names: readonly string[]) => ["all", "default", ...names].map((c) => `net.ipv6.conf.${c}.disable_ipv6=0`);
  if (node.kind === "host") return node.address6 !== undefined ? [...on(["lo", node.interface]), `net.ipv6.conf.${node.interface}.keep_addr_on_down=1`] : [];
  const dual = node.loopback6 !== undefined || node.rack?.subnet6 !== undefined || node.interfaces.some((i) => i.cidr6 !== undefined);
  // A link that goes down and up (the resilience scenarios) keeps its static IPv6 addresses, as on
  // Cumulus Linux: the kernel's default flushes them on down, and the session over them never returns.
  const keep = (names: readonly string[]) => ["all", "default", ...names].map((c) => `net.ipv6.conf.${c}.keep_addr_on_down=1`);
  if (dual) return [...on(["lo", ...node.interfaces.map((i) => i.name)]), ...keep(node.interfaces.map((i) => i.name))];
  const bare = node.interfaces.filter((i) => i.unnumbered);
  return bare.length === 0 ? [] : on(bare.map((i) => i.name));
}
