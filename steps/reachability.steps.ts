import { Then, When, type DataTable } from "@cucumber/cucumber";
import { LabError } from "../lab/errors.js";
import { expectedPrefixes, type Switch } from "../lab/topology/model.js";
import { expectNoFindings } from "../support/findings.js";
import type { FabricWorld, PingOutcome } from "../support/world.js";

/** One echo request, one second to answer: the lab has converged before scenarios run. */
const PING = { count: 1, timeoutS: 1 } as const;

async function pingAll(world: FabricWorld, pairs: ReadonlyArray<{ from: string; to: string; toName: string; source?: string }>): Promise<void> {
  await world.pingEach(pairs.map(({ source, ...pair }) => ({ ...pair, options: source === undefined ? PING : { ...PING, source } })));
}

When("{switch} pings every other switch loopback from {ip}", async function (this: FabricWorld, sw: Switch, source: string) {
  const others = this.topology.switches.filter((s) => s !== sw);
  await pingAll(this, others.map((o) => ({ from: sw.name, to: o.loopback, toName: o.name, source })));
});

When("every switch pings every other switch loopback from its own loopback", async function (this: FabricWorld) {
  const switches = this.topology.switches;
  await pingAll(
    this,
    // Every loopback BGP carries to it: with all spines in one AS, a spine has no path to another's.
    switches.flatMap((sw) =>
      switches
        .filter((o) => o !== sw && expectedPrefixes(this.topology, sw).includes(`${o.loopback}/32`))
        .map((o) => ({ from: sw.name, to: o.loopback, toName: o.name, source: sw.loopback })),
    ),
  );
});

When("every host pings every host in the other racks", async function (this: FabricWorld) {
  const hosts = this.topology.hosts;
  await pingAll(this, hosts.flatMap((h) => hosts.filter((o) => o.leaf !== h.leaf).map((o) => ({ from: h.name, to: o.address, toName: o.name }))));
});

function unanswered(p: PingOutcome): string | undefined {
  if (p.result.received > 0) return undefined;
  const why = p.result.sendError ?? p.result.errors[0]?.message ?? "no reply";
  return `${p.from} got no answer from ${p.to} (${p.toName}): ${p.result.received} of ${p.result.transmitted} replies, ${why} (expected a reply)`;
}

Then("every ping is answered", function (this: FabricWorld) {
  if (this.pings.length === 0) throw new Error("no ping was sent: a When step that pings must come first");
  expectNoFindings(this.pings.map(unanswered).filter((f): f is string => f !== undefined));
});

Then("every loopback answers with this TTL:", function (this: FabricWorld, table: DataTable) {
  const rows = table.hashes();
  const findings = rows.map((row) => {
    const outcome = this.pings.find((p) => p.to === row.loopback);
    if (!outcome) return `no ping went to ${row.loopback} (${row.switch}); pinged: ${this.pings.map((p) => p.to).join(", ")}`;
    const silent = unanswered(outcome);
    if (silent) return `${silent}, TTL ${row.TTL}`;
    const ttls = [...new Set(outcome.result.replies.map((r) => r.ttl))];
    return ttls.length === 1 && String(ttls[0]) === row.TTL
      ? undefined
      : `${row.loopback} (${row.switch}) answered ${outcome.from} with TTL ${ttls.join(", ")} (expected ${row.TTL})`;
  });
  for (const p of this.pings.filter((p) => !rows.some((row) => row.loopback === p.to))) {
    findings.push(`${p.to} (${p.toName}) was pinged but the table does not say what TTL it answers with`);
  }
  expectNoFindings(findings.filter((f): f is string => f !== undefined));
});

Then("every host's path to the other racks starts at its leaf's gateway", async function (this: FabricWorld) {
  const hosts = this.topology.hosts;
  const traces = hosts.flatMap((h) => {
    // One destination per other rack: the path to a rack does not depend on the host in it.
    const racks = [...new Set(hosts.filter((o) => o.leaf !== h.leaf).map((o) => o.leaf))];
    return racks.map((leaf) => ({ host: h, target: hosts.find((o) => o.leaf === leaf) }));
  });
  if (traces.length === 0) throw new LabError(`topology "${this.topology.name}" has no hosts in two different racks: there is no path to check`);
  const findings = await Promise.all(
    traces.map(async ({ host, target }) => {
      if (!target) return [];
      const trace = await this.traceroute(host.name, target.address);
      const first = trace.hops[0]?.address;
      const problems: string[] = [];
      if (first !== host.gateway) problems.push(`${host.name}'s path to ${target.address} (${target.name}) starts at ${first ?? "no answer"} (expected its gateway ${host.gateway} on ${host.leaf})`);
      if (!trace.reached) problems.push(`${host.name}'s path to ${target.address} (${target.name}) does not reach it: ${trace.hops.map((h) => h.address ?? "*").join(" > ") || trace.sendError}`);
      return problems;
    }),
  );
  expectNoFindings(findings.flat());
});
