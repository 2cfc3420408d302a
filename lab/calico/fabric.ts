/**
 * The fabric's side of peering mode, from the design (one AS per rack), not from Calico's
 * resources: each leaf accepts its rack's nodes as iBGP neighbors in its own AS, reflects their
 * routes to each other (route-reflector-client) and gives them itself as next hop for what it
 * learned from the spines (next-hop-self). The pod blocks then go to the spines by the leaf's eBGP
 * sessions as any iBGP-learned route does. A node misconfigured in Calico meets a leaf configured
 * by the fabric's design, and the scenarios see the disagreement.
 */
import { CommandError } from "../errors.js";
import type { Switch, Topology } from "../topology/model.js";
import type { CommandRunner } from "../transport/runner.js";

/** The rack's nodes a leaf peers with in peering mode. */
export function rackNodes(t: Topology, leaf: Switch): Array<{ name: string; address: string }> {
  return t.hosts.filter((h) => h.leaf === leaf.name).map((h) => ({ name: h.name, address: h.address }));
}

/** vtysh commands that put a leaf into peering mode (idempotent). */
export function leafPeeringCommands(t: Topology, leaf: Switch): string[] {
  const nodes = rackNodes(t, leaf);
  return [
    "configure terminal",
    `router bgp ${leaf.asn}`,
    ...nodes.flatMap((n) => [`neighbor ${n.address} remote-as ${leaf.asn}`, `neighbor ${n.address} description ${n.name}`]),
    "address-family ipv4 unicast",
    ...nodes.flatMap((n) => [`neighbor ${n.address} route-reflector-client`, `neighbor ${n.address} next-hop-self`]),
    "exit-address-family",
  ];
}

/** vtysh commands that take a leaf out of peering mode (idempotent: FRR accepts `no neighbor` for an absent one). */
export function leafUnpeeringCommands(t: Topology, leaf: Switch): string[] {
  return ["configure terminal", `router bgp ${leaf.asn}`, ...rackNodes(t, leaf).map((n) => `no neighbor ${n.address}`)];
}

/**
 * Runs vtysh commands on a switch (a runner whose `vtysh` reaches the switch's own FRR): what puts
 * a leaf into peering mode and takes it out again, on every lab. vtysh prints a rejected command
 * ("% Unknown command") and may still exit 0, so its output is checked as well.
 */
export async function applyVtysh(runner: CommandRunner, commands: readonly string[]): Promise<void> {
  const result = await runner.run(["vtysh", ...commands.flatMap((c) => ["-c", c])], { timeoutMs: 15_000 });
  const output = `${result.stdout}${result.stderr}`.trim();
  if (result.exitCode !== 0 || /^%/m.test(output)) throw new CommandError(`${runner.node}: vtysh could not apply the peering configuration: ${output || `exit ${result.exitCode}`}`);
}
