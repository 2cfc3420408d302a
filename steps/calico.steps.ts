import { Given, Then, When } from "@cucumber/cucumber";
import { calicoNodeReadinessFindings, leafSessionFindings, meshSessionFindings, noPodRouteFindings, nodeSessionFindings, overlayPathFindings, podPathFindings, podRouteFindings, statedNodeSessionFindings } from "../lab/calico/judge.js";
import { crossRackPairs, onePerOtherRack } from "../lab/fabric/reachability.js";
import { leaves, spines, type Host } from "../lab/topology/model.js";
import { expectNoFindings } from "../support/findings.js";
import type { FabricWorld } from "../support/world.js";

/** One echo request to each pod, one second to answer, from one fping per pod (../lab/probes/fping.ts). */
const MATRIX = { count: 1, timeoutMs: 1000 } as const;

Given("no pod network is deployed", async function (this: FabricWorld) {
  await this.deployPodNetwork("none");
});

// No step timeout of cucumber's: the driver bounds every process it runs and every wait by its
// budgets, and a pod network of 192 nodes takes minutes to build on two cores.
Given(/^Calico is deployed in (peering|overlay) mode$/, { timeout: -1 }, async function (this: FabricWorld, mode: "peering" | "overlay") {
  await this.deployPodNetwork(mode);
});

Then("every Kubernetes node peers with its leaf only, in its leaf's AS", async function (this: FabricWorld) {
  const birds = await this.onEach(this.topology.hosts, (h) => this.birdProtocols(h.name));
  expectNoFindings(birds.flatMap(([h, protocols]) => nodeSessionFindings(this.topology, h, protocols)));
});

Then("{host}'s only BGP session is with {ip} in AS {int}", async function (this: FabricWorld, host: Host, gateway: string, asn: number) {
  expectNoFindings(statedNodeSessionFindings(this.topology, host, gateway, asn, await this.birdProtocols(host.name)));
});

Then("every leaf peers with every spine and with every node in its rack", async function (this: FabricWorld) {
  const summaries = await this.onEach(leaves(this.topology), (l) => this.bgpSummary(l.name));
  expectNoFindings(summaries.flatMap(([l, summary]) => leafSessionFindings(this.topology, l.name, summary.peers)));
});

Then("every Kubernetes node learns every other node's pod block, its rack's directly and the others' through its leaf", async function (this: FabricWorld) {
  const plan = this.calicoPlan();
  const routes = await this.onEach(this.topology.hosts, (h) => this.kernelRoutes(h.name));
  expectNoFindings(routes.flatMap(([h, observed]) => podRouteFindings(this.topology, plan, h, observed)));
});

Then("every spine routes every pod block to the leaf of its rack", async function (this: FabricWorld) {
  const plan = this.calicoPlan();
  const routes = await this.onEach(spines(this.topology), (s) => this.kernelRoutes(s.name));
  expectNoFindings(routes.flatMap(([s, observed]) => podRouteFindings(this.topology, plan, s, observed)));
});

Then("every leaf routes its own rack's pod blocks to their nodes and the other racks' over all spines", async function (this: FabricWorld) {
  const plan = this.calicoPlan();
  const routes = await this.onEach(leaves(this.topology), (l) => this.kernelRoutes(l.name));
  expectNoFindings(routes.flatMap(([l, observed]) => podRouteFindings(this.topology, plan, l, observed)));
});

Then("no switch routes a pod prefix", async function (this: FabricWorld) {
  const pools = this.calicoPlan().pools;
  const routes = await this.onEach(this.topology.switches, (s) => this.kernelRoutes(s.name));
  expectNoFindings(routes.flatMap(([s, observed]) => noPodRouteFindings(s.name, observed, pools)));
});

When("every pod pings every pod in the other racks", async function (this: FabricWorld) {
  const pairs = crossRackPairs(this.calicoPlan().nodes);
  await this.pingMatrix(pairs.map(({ from, to }) => ({ from: from.pod.name, to: to.pod.address, toName: to.pod.name })), MATRIX);
});

Then("every pod's path to the other racks goes through its node, its leaf, the spines, the other leaf and the other node", async function (this: FabricWorld) {
  const plan = this.calicoPlan();
  const pairs = onePerOtherRack(plan.nodes);
  const traces = await this.traceMatrix(pairs, ({ from, to }) => ({ from: from.pod.name, to: to.pod.address }));
  const owned = await this.nodeAddressOwners(plan.nodes.map((n) => n.node));
  expectNoFindings(traces.flatMap(([{ from, to }, trace]) => podPathFindings(this.topology, plan, from, to, trace.hops.map((h) => h.address), trace.reached, owned)));
});

Then("every pod's path to the other racks crosses no switch", async function (this: FabricWorld) {
  const plan = this.calicoPlan();
  const pairs = onePerOtherRack(plan.nodes);
  const traces = await this.traceMatrix(pairs, ({ from, to }) => ({ from: from.pod.name, to: to.pod.address }));
  const owned = await this.nodeAddressOwners(plan.nodes.map((n) => n.node));
  expectNoFindings(traces.flatMap(([{ from, to }, trace]) => overlayPathFindings(this.topology, plan, from, to, trace.hops.map((h) => h.address), trace.reached, owned)));
});

Then("every Kubernetes node has an established BGP session with every other node in AS {int}", async function (this: FabricWorld, asn: number) {
  const birds = await this.onEach(this.topology.hosts, (h) => this.birdProtocols(h.name));
  expectNoFindings(birds.flatMap(([h, protocols]) => meshSessionFindings(this.topology, h, protocols, asn)));
});

Then("every Kubernetes node is ready as calico-node judges it: its BGP sessions Established, its routes programmed", async function (this: FabricWorld) {
  const plan = this.calicoPlan();
  const observed = await this.onEach(plan.nodes, async (n) => ({ protocols: await this.birdProtocols(n.node), routes: await this.kernelRoutes(n.node) }));
  expectNoFindings(observed.flatMap(([n, o]) => calicoNodeReadinessFindings(plan, n, o.protocols, o.routes)));
});
