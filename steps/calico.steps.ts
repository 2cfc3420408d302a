import { Given, Then, When } from "@cucumber/cucumber";
import { AssertionError } from "chai";
import type { PodNetwork, PodNetworkMode } from "../lab/drivers/driver.js";
import { LabError } from "../lab/errors.js";
import { addressNames, leafSessionFindings, noPodRouteFindings, nodeSessionFindings, podPathFindings, podRouteFindings } from "../lab/calico/judge.js";
import { calicoPlan, type CalicoNodePlan, type CalicoPlan } from "../lab/calico/resources.js";
import { birdProtocols, type BirdProtocol } from "../lab/probes/bird.js";
import { ping, ProbeError, traceroute } from "../lab/probes/index.js";
import { leaves, spines, type Host } from "../lab/topology/model.js";
import type { CommandRunner } from "../lab/transport/runner.js";
import { expectNoFindings } from "../support/findings.js";
import type { FabricWorld } from "../support/world.js";

const PING = { count: 1, timeoutS: 1 } as const;

Given("no pod network is deployed", async function (this: FabricWorld) {
  await bringTo(this, "none");
});

Given(/^Calico is deployed in (peering|overlay) mode$/, async function (this: FabricWorld, mode: "peering" | "overlay") {
  await bringTo(this, mode);
});

async function bringTo(world: FabricWorld, mode: PodNetworkMode): Promise<void> {
  if (!world.lab.podNetwork) throw new LabError(`the ${world.lab.name} driver cannot deploy a pod network`);
  const messages: string[] = [];
  world.podNetwork = await world.lab.podNetwork(mode, (m) => messages.push(m));
  world.attach(`pod network: ${mode}${messages.length ? `\n${messages.join("\n")}` : " (the lab was in this mode already)"}`, "text/plain");
}

function requirePodNetwork(world: FabricWorld): PodNetwork {
  if (!world.podNetwork || world.podNetwork.mode === "none") throw new LabError("no pod network: a Given step that deploys Calico must come first");
  return world.podNetwork;
}

/** The plan of the mode the lab is in: what each node's AS, peers and pod block are. */
function planOf(world: FabricWorld): CalicoPlan {
  const mode = requirePodNetwork(world).mode;
  return calicoPlan(world.topology, mode === "overlay" ? "overlay" : "peering");
}

/** BIRD's protocols on a node; a BIRD that does not answer is the node being wrong, not the lab broken. */
async function birdOf(world: FabricWorld, node: string): Promise<readonly BirdProtocol[]> {
  try {
    return (await birdProtocols(world.runner(node))).value;
  } catch (error) {
    if (error instanceof ProbeError && /could not reach BIRD/.test(error.message)) {
      throw new AssertionError(`${node}: BIRD is not running (expected calico-node's BIRD to answer)`);
    }
    throw error;
  }
}

/** A runner in a pod whose every command is attached to the step, like World.runner. */
function podRunner(world: FabricWorld, pod: string): CommandRunner {
  const inner = requirePodNetwork(world).podRunner(pod);
  return {
    node: pod,
    run: async (argv, options) => {
      const result = await inner.run(argv, options);
      world.attachEvidence(pod, result);
      return result;
    },
  };
}

Then("every Kubernetes node peers with its leaf only, in its leaf's AS", async function (this: FabricWorld) {
  const findings = await Promise.all(this.topology.hosts.map(async (h) => nodeSessionFindings(this.topology, h, await birdOf(this, h.name))));
  expectNoFindings(findings.flat());
});

Then("{host}'s only BGP session is with {ip} in AS {int}", async function (this: FabricWorld, host: Host, gateway: string, asn: number) {
  const leaf = this.topology.switches.find((s) => s.rack?.gateway === gateway);
  const findings = nodeSessionFindings(this.topology, host, await birdOf(this, host.name));
  if (!leaf || leaf.name !== host.leaf || leaf.asn !== asn) {
    findings.push(`the topology puts ${host.name} behind ${host.leaf}, not behind ${gateway} in AS ${asn}: the scenario does not fit the topology`);
  }
  expectNoFindings(findings);
});

Then("every leaf peers with every spine and with every node in its rack", async function (this: FabricWorld) {
  const findings = await Promise.all(leaves(this.topology).map(async (l) => leafSessionFindings(this.topology, l.name, (await this.bgpSummary(l.name)).peers)));
  expectNoFindings(findings.flat());
});

Then("every Kubernetes node learns every other node's pod block, its rack's directly and the others' through its leaf", async function (this: FabricWorld) {
  const plan = planOf(this);
  const findings = await Promise.all(this.topology.hosts.map(async (h) => podRouteFindings(this.topology, plan, h, await this.kernelRoutes(h.name))));
  expectNoFindings(findings.flat());
});

Then("every spine routes every pod block to the leaf of its rack", async function (this: FabricWorld) {
  const plan = planOf(this);
  const findings = await Promise.all(spines(this.topology).map(async (s) => podRouteFindings(this.topology, plan, s, await this.kernelRoutes(s.name))));
  expectNoFindings(findings.flat());
});

Then("every leaf routes its own rack's pod blocks to their nodes and the other racks' over all spines", async function (this: FabricWorld) {
  const plan = planOf(this);
  const findings = await Promise.all(leaves(this.topology).map(async (l) => podRouteFindings(this.topology, plan, l, await this.kernelRoutes(l.name))));
  expectNoFindings(findings.flat());
});

Then("no switch routes a pod prefix", async function (this: FabricWorld) {
  const pools = planOf(this).pools;
  const findings = await Promise.all(this.topology.switches.map(async (s) => noPodRouteFindings(s.name, await this.kernelRoutes(s.name), pools)));
  expectNoFindings(findings.flat());
});

/** One pod per other rack: the path to a rack does not depend on the pod in it. */
function crossRackPairs(plan: CalicoPlan): Array<{ from: CalicoNodePlan; to: CalicoNodePlan }> {
  return plan.nodes.flatMap((from) => {
    const racks = [...new Set(plan.nodes.filter((o) => o.leaf !== from.leaf).map((o) => o.leaf))];
    return racks.flatMap((leaf) => {
      const to = plan.nodes.find((o) => o.leaf === leaf);
      return to ? [{ from, to }] : [];
    });
  });
}

When("every pod pings every pod in the other racks", async function (this: FabricWorld) {
  const plan = planOf(this);
  const pairs = plan.nodes.flatMap((from) => plan.nodes.filter((to) => to.leaf !== from.leaf).map((to) => ({ from, to })));
  this.pings = await Promise.all(
    pairs.map(async ({ from, to }) => ({
      from: from.pod.name,
      to: to.pod.address,
      toName: to.pod.name,
      result: (await ping(podRunner(this, from.pod.name), to.pod.address, PING)).value,
    })),
  );
});

Then("every pod's path to the other racks goes through its node, its leaf, the spines, the other leaf and the other node", async function (this: FabricWorld) {
  const plan = planOf(this);
  const findings = await Promise.all(
    crossRackPairs(plan).map(async ({ from, to }) => {
      const trace = (await traceroute(podRunner(this, from.pod.name), to.pod.address)).value;
      return podPathFindings(this.topology, plan, from, to, trace.hops.map((h) => h.address), trace.reached);
    }),
  );
  expectNoFindings(findings.flat());
});

Then("every pod's path to the other racks crosses no switch", async function (this: FabricWorld) {
  const plan = planOf(this);
  const names = addressNames(this.topology, plan);
  const findings = await Promise.all(
    crossRackPairs(plan).map(async ({ from, to }) => {
      const trace = (await traceroute(podRunner(this, from.pod.name), to.pod.address)).value;
      const switches = trace.hops.map((h) => (h.address ? names.get(h.address) : undefined)).filter((n) => n !== undefined && this.topology.switches.some((s) => s.name === n));
      const problems = switches.length ? [`${from.pod.name}'s path to ${to.pod.name} shows the switches ${switches.join(", ")} (expected none: the overlay hides the fabric)`] : [];
      if (!trace.reached) problems.push(`${from.pod.name}'s path to ${to.pod.address} (${to.pod.name}) does not reach it`);
      return problems;
    }),
  );
  expectNoFindings(findings.flat());
});

Then("every Kubernetes node has an established BGP session with every other node in AS {int}", async function (this: FabricWorld, asn: number) {
  const hosts = this.topology.hosts;
  const findings = await Promise.all(
    hosts.map(async (h) => {
      const sessions = (await birdOf(this, h.name)).filter((p) => p.bgp);
      return hosts
        .filter((o) => o !== h)
        .flatMap((o) => {
          const s = sessions.find((p) => p.bgp?.neighborAddress === o.address);
          if (!s?.bgp) return [`${h.name} has no BGP session with ${o.name} ${o.address} (expected one in the node-to-node mesh, AS ${asn})`];
          if (s.bgp.state !== "Established" || s.bgp.neighborAs !== asn) return [`${h.name}: the mesh session with ${o.name} is ${s.bgp.state}, AS ${s.bgp.neighborAs ?? "?"} (expected Established, AS ${asn})`];
          return [];
        });
    }),
  );
  expectNoFindings(findings.flat());
});
