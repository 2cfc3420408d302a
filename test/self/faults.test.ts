/**
 * The suite can fail, and fails the right scenarios. For each fault: a fresh lab (the blog's, or the fault's topology), the fault
 * injected as an engineer would (`fabricspec lab exec NODE -- CMD`, i.e. the driver's runner), a
 * wait until the network visibly shows it, then the acceptance features run by cucumber in a child
 * process. The verdict, read from cucumber's messages, must fail exactly the scenarios the fault
 * breaks, each with an AssertionError saying what was found and what was expected, and pass every
 * other one. A control run without a fault passes everything.
 *
 * Holds the machine's lab lock for the whole file, so that nobody tests a lab broken on purpose.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { LabDriver } from "../../lab/drivers/driver.js";
import { readState } from "../../lab/drivers/netns/state.js";
import { labFromEnvironment } from "../../lab/drivers/registry.js";
import { budgets, type Budget, type Timers } from "../../lab/expect/budgets.js";
import { eventually } from "../../lab/expect/eventually.js";
import { isAlive, type Lock } from "../../lab/lock.js";
import { bgpSummary, bgpTable, kernelRoutes } from "../../lab/probes/index.js";
import { BLOG_TOPOLOGY } from "../../lab/topology/load.js";
import { holdMachine, REPORT_DIR, ROOT, table } from "./machine.js";
import { CALICO_PEERING_SCENARIOS, FABRIC_SCENARIOS, GENERIC_SCENARIOS } from "./scenarios.js";
import { idsByName, inject, judgeVerdicts, runSuite, verdicts } from "./suite-run.js";

// ---------------------------------------------------------------------------------------------
// The scenarios of the blog topology, as the self-test names them.

// The fault table covers every scenario that runs on the blog lab but the @disruptive ones (see
// cucumber.mjs, profile selftest): the fabric's and Calico peering's. A fault in the fabric must
// fail the Calico scenarios it breaks as failed, never as broken.
const SCENARIOS = { ...FABRIC_SCENARIOS, ...CALICO_PEERING_SCENARIOS } as const;
type ScenarioId = keyof typeof SCENARIOS;
const idOf = idsByName(SCENARIOS);

// ---------------------------------------------------------------------------------------------
// Observing the lab: each observation says what is not (yet) as the fault leaves it.

type Observation = (lab: LabDriver) => Promise<string | undefined>;

/** A BGP neighbor of `node` whose state satisfies `ok` (FRR's state text, remote AS). */
function neighbor(node: string, address: string, want: string, ok: (p: { state: string; remoteAs: number }) => boolean): Observation {
  return async (lab) => {
    const peer = (await bgpSummary(lab.runner(node))).value.peers.find((p) => p.address === address);
    if (peer && ok(peer)) return undefined;
    return `${node}: neighbor ${address} is ${peer ? `${peer.state}, AS ${peer.remoteAs}` : "not configured"} (waiting for ${want})`;
  };
}
const sessionDown = (node: string, address: string) => neighbor(node, address, "not Established", (p) => p.state !== "Established");

/** The kernel route of `node` to `prefix` over exactly these gateways; `[]`: no route (none the node forwards over). */
function route(node: string, prefix: string, via: readonly string[]): Observation {
  return async (lab) => {
    const found = (await kernelRoutes(lab.runner(node))).value.find((r) => r.dst === prefix);
    const have = found ? found.nexthops.map((h) => h.gateway ?? "(direct)").sort() : [];
    if (have.join(",") === [...via].sort().join(",")) return undefined;
    const seen = found ? `via ${have.join(", ")}` : "no route";
    return `${node}: ${prefix} ${seen} (waiting for ${via.length ? `via ${via.join(", ")}` : "no route"})`;
  };
}

/** A blackhole route for `prefix` in the kernel of `node`. */
function blackhole(node: string, prefix: string): Observation {
  return async (lab) => ((await kernelRoutes(lab.runner(node))).value.some((r) => r.dst === prefix && r.type === "blackhole") ? undefined : `${node}: no blackhole for ${prefix} yet`);
}

/** `prefix` in the BGP table of `node`. */
function inBgpTable(node: string, prefix: string): Observation {
  return async (lab) => ((await bgpTable(lab.runner(node))).value.routes[prefix] ? undefined : `${node}: no ${prefix} in its BGP table yet`);
}

/** The process has ended. */
function ended(pid: number, what: string): Observation {
  return async () => (isAlive(pid) ? `${what} (pid ${pid}) still runs` : undefined);
}

// ---------------------------------------------------------------------------------------------
// How long a fault may take to show, derived from the lab's timers like lab/expect/budgets.ts.

function faultBudgets(timers: Timers) {
  const installed = budgets(timers).routeInstalled;
  return {
    /**
     * A session reset by configuration or by its link going down ends at once (a NOTIFICATION, fast
     * external failover); one whose peer falls silent ends when the hold timer expires. Then the
     * withdrawals and the paths around the failure.
     */
    sessionLost: {
      name: "fault_session_lost",
      ms: timers.hold * 1000 + installed.ms,
      reason: `hold time (${timers.hold} s) + ${installed.name} (${installed.reason})`,
      intervalMs: 100,
    },
    /**
     * bgpd applies a changed route-map to redistributed routes when its route-map delay timer fires
     * (5 s); the injections end the timer at once with `bgp route-map delay-timer 0`. Then the updates.
     */
    policyChanged: {
      name: "fault_policy_changed",
      ms: 5_000 + installed.ms,
      reason: `route-map delay timer (5 s) + ${installed.name} (${installed.reason})`,
      intervalMs: 100,
    },
    /** A change in place when its command returns (`ip route replace`), or no change at all. */
    immediate: { name: "fault_immediate", ms: 1_000, reason: "a synchronous change", intervalMs: 50 },
  } satisfies Record<string, Budget>;
}
type FaultBudget = keyof ReturnType<typeof faultBudgets>;

// ---------------------------------------------------------------------------------------------
// The faults.

interface Fault {
  readonly name: string;
  /**
   * Breaks the lab through the driver's runner, as `fabricspec lab exec` does. Returns what the
   * network shows once the fault has taken full effect: the suite runs only then.
   */
  readonly inject: (lab: LabDriver) => Promise<readonly Observation[]>;
  readonly budget: FaultBudget;
  /**
   * The scenarios the fault must fail, each with what its failure message must say (the finding:
   * what was found, what was expected). Every other scenario must pass.
   */
  readonly fails: Partial<Record<ScenarioId, ReadonlyArray<string | RegExp>>>;
  /** The topology file the fault is injected into, when not the blog lab (then only the generic scenarios run). */
  readonly topology?: string;
}

/** RFC 7938's 5-stage Clos (lab/topologies/five-stage.yaml): super-spines in AS 65534, each pod's spines in one AS. */
const FIVE_STAGE = fileURLToPath(new URL("../../lab/topologies/five-stage.yaml", import.meta.url));

const vtysh = (...commands: string[]) => ["vtysh", ...commands.flatMap((c) => ["-c", c])];

/** The paths once leaf2's session with spine1 is gone: spine1 reaches rack 2 around, through leaf1 and spine2. */
const leaf2CutFromSpine1 = (): Observation[] => [
  sessionDown("spine1", "172.16.0.3"),
  route("spine1", "10.0.102.0/24", ["172.16.0.1"]),
  route("spine1", "172.16.255.102/32", ["172.16.0.1"]),
  route("spine2", "172.16.255.1/32", ["172.16.0.5"]),
  route("leaf1", "10.0.102.0/24", ["172.16.0.4"]),
  route("leaf2", "10.0.101.0/24", ["172.16.0.6"]),
];

const FAULTS: readonly Fault[] = [
  {
    name: "none (control)",
    inject: async () => [],
    budget: "immediate",
    fails: {},
  },
  {
    name: "leaf2 shuts its session with spine1",
    inject: async (lab) => {
      await inject(lab, "leaf2", vtysh("configure terminal", "router bgp 65102", "neighbor 172.16.0.2 shutdown"));
      return [neighbor("leaf2", "172.16.0.2", "Idle (Admin)", (p) => p.state === "Idle (Admin)"), ...leaf2CutFromSpine1()];
    },
    budget: "sessionLost",
    fails: {
      B2: ["leaf2: the neighbor 172.16.0.2 (spine1) is in state Idle (Admin) (expected Established)"],
      B3: [/spine1: the neighbor 172\.16\.0\.3 \(leaf2\) is in state \w+ \(expected Established\)/],
      B7: ["spine1's best path to 10.0.102.0/24 has next hop 172.16.0.1 (expected 172.16.0.3)"],
      G1: ["leaf2: the neighbor 172.16.0.2 (spine1) is in state Idle (Admin) (expected Established)"],
      G2: ["spine1 routes 10.0.102.0/24 via leaf1 172.16.0.1 (expected via leaf2 172.16.0.3)"],
      G3: ["leaf1 routes 10.0.102.0/24 via spine2 172.16.0.4 (expected via spine1 172.16.0.0, spine2 172.16.0.4)"],
      G6: ["spine1's best path to 10.0.102.0/24 has AS path 65101 65002 65102 (expected 65102)"],
      // Calico peering: rack 2's pod blocks reach spine1 the long way, and each leaf over spine2 only.
      P7: ["leaf2: the neighbor 172.16.0.2 (spine1) is in state Idle (Admin) (expected Established)"],
      P10: ["spine1 routes 192.168.0.192/26 (k8s-node-l2-1's pod block) via leaf1 172.16.0.1 (expected via leaf2 172.16.0.3)"],
      P11: ["leaf1 routes 192.168.0.192/26 (k8s-node-l2-1's pod block) via spine2 172.16.0.4 (expected via spine1 172.16.0.0, spine2 172.16.0.4)"],
    },
  },
  {
    name: "leaf2 expects the wrong AS of spine1",
    inject: async (lab) => {
      await inject(lab, "leaf2", vtysh("configure terminal", "router bgp 65102", "neighbor 172.16.0.2 remote-as 65009"));
      return [
        neighbor("leaf2", "172.16.0.2", "AS 65009, not Established", (p) => p.remoteAs === 65009 && p.state !== "Established"),
        ...leaf2CutFromSpine1(),
      ];
    },
    budget: "sessionLost",
    fails: {
      B2: ["leaf2: the neighbor 172.16.0.2 (spine1) has remote AS 65009 (expected 65001)"],
      B3: [/spine1: the neighbor 172\.16\.0\.3 \(leaf2\) is in state \w+ \(expected Established\)/],
      B7: ["spine1's best path to 10.0.102.0/24 has next hop 172.16.0.1 (expected 172.16.0.3)"],
      G1: ["leaf2: the neighbor 172.16.0.2 (spine1) has remote AS 65009 (expected 65001)"],
      G2: ["spine1 routes 10.0.102.0/24 via leaf1 172.16.0.1 (expected via leaf2 172.16.0.3)"],
      G3: ["leaf1 routes 10.0.102.0/24 via spine2 172.16.0.4 (expected via spine1 172.16.0.0, spine2 172.16.0.4)"],
      G6: ["spine1's best path to 10.0.102.0/24 has AS path 65101 65002 65102 (expected 65102)"],
      P7: ["leaf2: the neighbor 172.16.0.2 (spine1) has remote AS 65009 (expected 65001)"],
      P10: ["spine1 routes 192.168.0.192/26 (k8s-node-l2-1's pod block) via leaf1 172.16.0.1 (expected via leaf2 172.16.0.3)"],
      P11: ["leaf2 routes 192.168.0.0/26 (k8s-master-l1-1's pod block) via spine2 172.16.0.6"],
    },
  },
  {
    name: "leaf2 stops advertising its rack subnet",
    inject: async (lab) => {
      // The route-map entry that lets the rack's bridge through (lab/render/frr.ts: lo is 10, the
      // bridge 20). The delay timer is set to 0 only after the change: that fires the pending timer
      // at once, whereas a change made while the timer is 0 never reaches redistributed routes.
      await inject(lab, "leaf2", vtysh("configure terminal", "no route-map FABRIC-CONNECTED permit 20", "bgp route-map delay-timer 0"));
      return [route("spine1", "10.0.102.0/24", []), route("spine2", "10.0.102.0/24", []), route("leaf1", "10.0.102.0/24", [])];
    },
    budget: "policyChanged",
    fails: {
      B7: ["spine1 has no best path to 10.0.102.0/24 in its BGP table (expected next hop 172.16.0.3, path 65102)"],
      B8: ["spine1 has learned 4 prefixes over BGP", "(expected 5)", "leaf1 has learned 3 prefixes over BGP", "(expected 4)"],
      G2: ["spine1 has no route to 10.0.102.0/24 (expected via leaf2 172.16.0.3)", "spine2 has no route to 10.0.102.0/24 (expected via leaf2 172.16.0.7)"],
      G3: ["leaf1 has no route to 10.0.102.0/24 (expected via spine1 172.16.0.0, spine2 172.16.0.4)"],
      G5: ["k8s-node-l1-1 got no answer from 10.0.102.101 (k8s-node-l2-1)", "(expected a reply)"],
      G6: ["spine1 has not learned 10.0.102.0/24 over BGP (expected it from leaf2, AS path 65102)"],
    },
  },
  {
    name: "leaf1's uplink to spine1 goes down",
    inject: async (lab) => {
      await inject(lab, "leaf1", ["ip", "link", "set", "swp51", "down"]);
      return [
        sessionDown("leaf1", "172.16.0.0"),
        sessionDown("spine1", "172.16.0.1"),
        // leaf1 reaches spine1 the long way, through spine2 and leaf2, and spine1 answers the same way.
        route("leaf1", "172.16.255.1/32", ["172.16.0.4"]),
        route("spine1", "172.16.255.101/32", ["172.16.0.3"]),
        route("spine1", "10.0.101.0/24", ["172.16.0.3"]),
        route("leaf1", "10.0.102.0/24", ["172.16.0.4"]),
        route("leaf2", "10.0.101.0/24", ["172.16.0.6"]),
      ];
    },
    budget: "sessionLost",
    fails: {
      B1: [/leaf1: the neighbor 172\.16\.0\.0 \(spine1\) is in state \w+ \(expected Established\)/],
      B3: [/spine1: the neighbor 172\.16\.0\.1 \(leaf1\) is in state \w+ \(expected Established\)/],
      B6: ["172.16.255.1 (spine1) answered leaf1 with TTL 62 (expected 64)"],
      B7: ["spine1's best path to 10.0.101.0/24 has next hop 172.16.0.3 (expected 172.16.0.1)"],
      G1: [/leaf1: the neighbor 172\.16\.0\.0 \(spine1\) is in state \w+ \(expected Established\)/],
      G2: ["spine1 routes 10.0.101.0/24 via leaf2 172.16.0.3 (expected via leaf1 172.16.0.1)"],
      G3: ["leaf1 routes 10.0.102.0/24 via spine2 172.16.0.4 (expected via spine1 172.16.0.0, spine2 172.16.0.4)"],
      G6: ["spine1's best path to 10.0.101.0/24 has AS path 65102 65002 65101 (expected 65101)"],
      P7: [/leaf1: the neighbor 172\.16\.0\.0 \(spine1\) is in state \w+ \(expected Established\)/],
      P8: [/leaf1: the neighbor 172\.16\.0\.0 \(spine1\) is in state \w+ \(expected Established\)/],
      P10: ["spine1 routes 192.168.0.0/26 (k8s-master-l1-1's pod block) via leaf2 172.16.0.3 (expected via leaf1 172.16.0.1)"],
      P11: ["leaf1 routes 192.168.0.192/26 (k8s-node-l2-1's pod block) via spine2 172.16.0.4 (expected via spine1 172.16.0.0, spine2 172.16.0.4)"],
    },
  },
  {
    name: "k8s-node-l2-1 has the wrong default gateway",
    inject: async (lab) => {
      await inject(lab, "k8s-node-l2-1", ["ip", "route", "replace", "default", "via", "10.0.102.254"]);
      return [route("k8s-node-l2-1", "0.0.0.0/0", ["10.0.102.254"])];
    },
    budget: "immediate",
    fails: {
      G5: ["k8s-node-l1-1 got no answer from 10.0.102.101 (k8s-node-l2-1)", "k8s-node-l2-1 got no answer from 10.0.101.101 (k8s-node-l1-1)"],
    },
  },
  {
    name: "spine2's bgpd is stopped (SIGTERM)",
    inject: async (lab) => {
      const pid = readState()?.processes.find((p) => p.node === "spine2" && p.daemon === "bgpd")?.pid;
      assert.ok(pid !== undefined, "the lab state records no bgpd on spine2");
      await inject(lab, "spine2", ["kill", "-TERM", String(pid)]);
      return [
        ended(pid, "spine2's bgpd"),
        sessionDown("leaf1", "172.16.0.4"),
        sessionDown("leaf2", "172.16.0.6"),
        route("leaf1", "10.0.102.0/24", ["172.16.0.0"]),
        route("leaf2", "10.0.101.0/24", ["172.16.0.2"]),
        route("spine1", "172.16.255.2/32", []),
        route("spine2", "10.0.101.0/24", []),
      ];
    },
    budget: "sessionLost",
    fails: {
      B1: [/leaf1: the neighbor 172\.16\.0\.4 \(spine2\) is in state \w+ \(expected Established\)/],
      B2: [/leaf2: the neighbor 172\.16\.0\.6 \(spine2\) is in state \w+ \(expected Established\)/],
      B4: ["spine2: bgpd is not running (expected bgpd to answer)"],
      B5: ["spine2: bgpd is not running (running: zebra, staticd)"],
      B6: ["leaf1 got no answer from 172.16.255.2 (spine2)"],
      B8: ["spine2: bgpd is not running"],
      G1: [/leaf1: the neighbor 172\.16\.0\.4 \(spine2\) is in state \w+ \(expected Established\)/],
      G2: ["spine1 has no route to 172.16.255.2/32", "spine2 has no route to 10.0.101.0/24 (expected via leaf1 172.16.0.5)"],
      G3: ["leaf1 routes 10.0.102.0/24 via spine1 172.16.0.0 (expected via spine1 172.16.0.0, spine2 172.16.0.4)"],
      G4: ["spine1 got no answer from 172.16.255.2 (spine2)"],
      G6: ["spine2: bgpd is not running"],
      P7: [/leaf1: the neighbor 172\.16\.0\.4 \(spine2\) is in state \w+ \(expected Established\)/],
      P8: [/leaf1: the neighbor 172\.16\.0\.4 \(spine2\) is in state \w+ \(expected Established\)/],
      P10: ["spine2 has no route to 192.168.0.0/26 (k8s-master-l1-1's pod block) (expected via leaf1 172.16.0.5)"],
      P11: ["leaf1 routes 192.168.0.192/26 (k8s-node-l2-1's pod block) via spine1 172.16.0.0 (expected via spine1 172.16.0.0, spine2 172.16.0.4)"],
    },
  },
  {
    name: "leaf1 shuts both its uplink sessions (rack 1 cut off)",
    inject: async (lab) => {
      await inject(lab, "leaf1", vtysh("configure terminal", "router bgp 65101", "neighbor 172.16.0.0 shutdown", "neighbor 172.16.0.4 shutdown"));
      return [
        sessionDown("spine1", "172.16.0.1"),
        sessionDown("spine2", "172.16.0.5"),
        route("spine1", "10.0.101.0/24", []),
        route("spine2", "10.0.101.0/24", []),
        route("leaf2", "10.0.101.0/24", []),
        route("leaf1", "10.0.102.0/24", []),
      ];
    },
    budget: "sessionLost",
    // Everything through leaf1's uplinks: rack 1's hosts, loopback and pod blocks, from everywhere
    // else. Not what stays inside a rack (each node's session with its leaf) nor leaf2's sessions.
    fails: {
      B1: ["leaf1: the neighbor 172.16.0.0 (spine1) is in state Idle (Admin) (expected Established)", "leaf1: the neighbor 172.16.0.4 (spine2) is in state Idle (Admin)"],
      B3: [/spine1: the neighbor 172\.16\.0\.1 \(leaf1\) is in state \w+ \(expected Established\)/],
      B4: [/spine2: the neighbor 172\.16\.0\.5 \(leaf1\) is in state \w+ \(expected Established\)/],
      B6: ["leaf1 got no answer from 172.16.255.1 (spine1)", "leaf1 got no answer from 172.16.255.102 (leaf2)"],
      B7: ["spine1 has no best path to 10.0.101.0/24 in its BGP table (expected next hop 172.16.0.1, path 65101)"],
      B8: ["leaf1 has learned 0 prefixes over BGP: none (expected 4)"],
      G1: ["leaf1: the neighbor 172.16.0.0 (spine1) is in state Idle (Admin) (expected Established)"],
      G2: ["spine1 has no route to 10.0.101.0/24 (expected via leaf1 172.16.0.1)"],
      G3: ["leaf1 has no route to 10.0.102.0/24 (expected via spine1 172.16.0.0, spine2 172.16.0.4)"],
      G4: ["spine1 got no answer from 172.16.255.101 (leaf1)"],
      G5: ["k8s-master-l1-1 got no answer from 10.0.102.101 (k8s-node-l2-1)"],
      P7: ["leaf1: the neighbor 172.16.0.0 (spine1) is in state Idle (Admin) (expected Established)"],
      P8: ["leaf1: the neighbor 172.16.0.4 (spine2) is in state Idle (Admin) (expected Established)"],
      P9: ["k8s-master-l1-1 has no route to 192.168.0.192/26 (k8s-node-l2-1's pod block) (expected via leaf1 10.0.101.1)"],
      P10: ["spine1 has no route to 192.168.0.0/26 (k8s-master-l1-1's pod block) (expected via leaf1 172.16.0.1)"],
      P11: ["leaf2 has no route to 192.168.0.0/26 (k8s-master-l1-1's pod block) (expected via spine1 172.16.0.2, spine2 172.16.0.6)"],
      P12: ["pod-k8s-master-l1-1 got no answer from 192.168.0.193 (pod-k8s-node-l2-1)"],
      G6: ["spine1 has not learned 10.0.101.0/24 over BGP (expected it from leaf1, AS path 65101)", "leaf1 has learned 0 prefixes over BGP (expected 4)"],
    },
  },
  {
    name: "leaf1 drops part of rack 2 (10.0.102.96/27) into a blackhole",
    inject: async (lab) => {
      await inject(lab, "leaf1", ["ip", "route", "add", "blackhole", "10.0.102.96/27"]);
      return [blackhole("leaf1", "10.0.102.96/27")];
    },
    budget: "immediate",
    // The hosts of rack 2 at .101 and .102, from rack 1; the gateway .1 and the routes stay, and
    // the pods (in the pod pool, not the rack subnet) still reach each other.
    fails: {
      G5: ["k8s-master-l1-1 got no answer from 10.0.102.101 (k8s-node-l2-1)", "k8s-node-l1-1 got no answer from 10.0.102.102 (k8s-node-l2-2)"],
    },
  },
  {
    name: "leaf1 leaks its /31 to spine1 into BGP",
    inject: async (lab) => {
      await inject(lab, "leaf1", vtysh("configure terminal", "route-map FABRIC-CONNECTED permit 30", "match interface swp51", "exit", "bgp route-map delay-timer 0"));
      return [inBgpTable("spine1", "172.16.0.0/31"), inBgpTable("spine2", "172.16.0.0/31"), inBgpTable("leaf2", "172.16.0.0/31")];
    },
    budget: "policyChanged",
    fails: {
      B8: ["spine1 has learned 6 prefixes over BGP", "172.16.0.0/31", "(expected 5)"],
      G2: ["spine1 has the point-to-point subnet 172.16.0.0/31 in its BGP table (expected the links not advertised)"],
      G6: ["spine1 has learned 172.16.0.0/31 over BGP, AS path 65101 (expected not: BGP carries no path to it over this fabric)"],
    },
  },
  {
    name: "five-stage: super-spine1 shuts its session with spine1",
    topology: FIVE_STAGE,
    inject: async (lab) => {
      await inject(lab, "super-spine1", vtysh("configure terminal", "router bgp 65534", "neighbor 10.1.0.17 shutdown"));
      return [
        neighbor("super-spine1", "10.1.0.17", "Idle (Admin)", (p) => p.state === "Idle (Admin)"),
        sessionDown("spine1", "10.1.0.16"),
        // spine1 reaches pod 2 over super-spine2 only; super-spine1 reaches pod 1 over spine2 only.
        route("spine1", "10.2.2.0/24", ["10.1.0.24"]),
        route("super-spine1", "10.2.0.0/24", ["10.1.0.19"]),
        // No path is left between super-spine1 and spine1's loopbacks: around, it would cross the
        // other super-spine (AS 65534 again) or spine2 (AS 64601 again).
        route("super-spine1", "10.0.0.3/32", []),
        route("spine1", "10.0.0.1/32", []),
      ];
    },
    budget: "sessionLost",
    // Not the leaves' routes: each of pod 1's spines still reaches pod 2 over a super-spine, so
    // every leaf keeps both its spines as next hops, with paths of the same length.
    fails: {
      G1: ["super-spine1: the neighbor 10.1.0.17 (spine1) is in state Idle (Admin) (expected Established)"],
      G2: ["spine1 has no route to 10.0.0.1/32 (expected via super-spine1 10.1.0.16)", "spine1 routes 10.2.2.0/24 via super-spine2 10.1.0.24 (expected via super-spine1 10.1.0.16, super-spine2 10.1.0.24)"],
      G4: ["super-spine1 got no answer from 10.0.0.3 (spine1)", "spine1 got no answer from 10.0.0.1 (super-spine1)"],
      G6: ["super-spine1 has not learned 10.0.0.3/32 over BGP"],
      P10: [/spine1 routes 192\.168\.\d+\.\d+\/26 \(host-l3-1's pod block\) via super-spine2 10\.1\.0\.24/],
    },
  },
];

// ---------------------------------------------------------------------------------------------

interface Row {
  readonly fault: string;
  readonly expected: readonly string[];
  readonly caught: readonly string[];
  readonly result: "pass" | "FAIL";
  /** Scenarios that failed with something other than an AssertionError (a broken lab). */
  readonly broken: readonly string[];
  readonly problems: readonly string[];
  /** How long the fault took to show, and the whole round (lab up to lab down). */
  readonly inEffectMs: number | undefined;
  readonly totalMs: number;
  readonly messages: Readonly<Record<string, string>>;
}

const rows: Row[] = [];
let lock: Lock | undefined;

before(async () => {
  mkdirSync(REPORT_DIR, { recursive: true });
  lock = await holdMachine("selftest faults");
});

after(() => {
  lock?.release();
  const order = (ids: readonly string[]) => [...ids].sort().join(" ") || "-";
  process.stdout.write(
    `\n${table(
      ["fault", "scenarios expected to fail", "caught", "broken", "result"],
      rows.map((r) => [r.fault, order(r.expected), order(r.caught), String(r.broken.length), r.result]),
    )}\n`,
  );
  const file = join(REPORT_DIR, "faults.json");
  writeFileSync(file, `${JSON.stringify(rows, null, 2)}\n`);
  process.stdout.write(`fault table: ${relative(ROOT, file)}\n`);
});

const timersOf = (topology: string) => labFromEnvironment({ ...process.env, FABRICSPEC_TOPOLOGY: topology }).topology.bgp;

for (const [index, fault] of FAULTS.entries()) {
  test(`fault: ${fault.name}`, async () => {
    const started = performance.now();
    const topology = fault.topology ?? BLOG_TOPOLOGY;
    const scenarios = fault.topology ? GENERIC_SCENARIOS : SCENARIOS;
    const lab = labFromEnvironment({ ...process.env, FABRICSPEC_TOPOLOGY: topology });
    assert.equal(lab.name, "netns", "the fault self-test needs the embedded lab (FABRICSPEC_DRIVER=netns)");
    const messages = join(REPORT_DIR, `fault-${index}.ndjson`);
    rmSync(messages, { force: true });
    const log: string[] = [];
    let inEffectMs: number | undefined;
    let suite: { code: number | null; output: string };
    try {
      const up = await lab.up({ progress: (m) => log.push(m) });
      assert.equal(up.reused, false, "the lab must be built fresh for each fault");
      const observations = await fault.inject(lab);
      const budget = faultBudgets(timersOf(topology))[fault.budget];
      const settled = await eventually(async () => {
        const waiting = (await Promise.all(observations.map((o) => o(lab)))).filter((w): w is string => w !== undefined);
        if (waiting.length > 0) throw new Error(`the fault "${fault.name}" has not taken effect:\n  ${waiting.join("\n  ")}`);
      }, budget);
      inEffectMs = settled.elapsedMs;
      suite = await runSuite("selftest", messages, topology);
    } finally {
      await lab.down((m) => log.push(m));
    }

    const ran = verdicts(readFileSync(messages, "utf8"));
    const problems = judgeVerdicts(scenarios, fault.fails, ran, suite.code);
    const expected = Object.keys(fault.fails);
    const caught = ran.filter((v) => v.status === "FAILED").map((v) => idOf.get(v.name) ?? v.name);
    // A wrong fabric is never a broken lab: no scenario may fail with anything but an AssertionError.
    const broken = ran.filter((v) => v.status === "FAILED" && v.exceptionType !== "AssertionError").map((v) => idOf.get(v.name) ?? v.name);
    const messagesById = Object.fromEntries(ran.filter((v) => v.message).map((v) => [idOf.get(v.name) ?? v.name, v.message ?? ""]));
    rows.push({
      fault: fault.name,
      expected,
      caught,
      result: problems.length || broken.length ? "FAIL" : "pass",
      broken,
      problems,
      inEffectMs,
      totalMs: Math.round(performance.now() - started),
      messages: messagesById,
    });
    assert.deepEqual(broken, [], `a fault in the fabric made scenarios broken, not failed:\n${suite.output}`);
    assert.deepEqual(problems, [], `the suite misjudged "${fault.name}".\ncucumber's summary:\n${suite.output}`);
  });
}
