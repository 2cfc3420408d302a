/**
 * The suite fails the right scenarios on fabric designs other than the blog's, as faults.test.ts
 * does on the blog lab: BGP unnumbered (NVIDIA's Cumulus reference design) with an interface's
 * IPv6 turned off, so its link-local address and the session over it are gone; and leaves that
 * share an AS (asPlan.leaf: reused) with one leaf's allowas-in removed, so AS-path loop prevention
 * drops everything from its AS twin; and a dual-stack fabric with one leaf's IPv6 unicast not
 * activated toward a spine, so that session is gone and the IPv6 prefixes route around it. For each: a fresh lab, the fault injected through the driver
 * (`fabricspec lab exec`), a wait until the network shows it, the acceptance features in a child
 * cucumber, and the verdict judged scenario by scenario. A control run per design passes everything.
 *
 * Holds the machine's lab lock for the whole file, so that nobody tests a lab broken on purpose.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import type { LabDriver } from "../../lab/drivers/driver.js";
import { labFromEnvironment } from "../../lab/drivers/registry.js";
import { budgets } from "../../lab/expect/budgets.js";
import { eventually } from "../../lab/expect/eventually.js";
import { nextHopKey } from "../../lab/fabric/judge.js";
import type { Lock } from "../../lab/lock.js";
import { bgpSummary, kernelRoutes } from "../../lab/probes/index.js";
import { holdMachine, REPORT_DIR, table } from "./machine.js";
import { CALICO_PEERING_SCENARIOS, FABRIC_SCENARIOS, IPV6_SCENARIOS } from "./scenarios.js";
import { inject, judgeVerdicts, runSuite, verdicts } from "./suite-run.js";

const topology = (file: string) => fileURLToPath(new URL(`../../lab/topologies/${file}`, import.meta.url));
const CUMULUS = topology("cumulus-reference.yaml");
const LEAF_PAIR = topology("leaf-pair-as.yaml");
const DUAL_STACK = topology("dual-stack.yaml");

/** The generic scenarios that run on any topology (the blog's literal ones are @blog). */
const { G1, G2, G3, G4, G5, G6 } = FABRIC_SCENARIOS;
const { P1, P7, P9, P10, P11, P12 } = CALICO_PEERING_SCENARIOS;
const SCENARIOS = { G1, G2, G3, G4, G5, G6, P1, P7, P9, P10, P11, P12 } as const;
/** On the dual-stack topology, its IPv6 reachability scenarios run too. */
const DUAL_STACK_SCENARIOS = { ...SCENARIOS, ...IPV6_SCENARIOS } as const;
type ScenarioId = keyof typeof DUAL_STACK_SCENARIOS;

type Observation = (lab: LabDriver) => Promise<string | undefined>;

const familyOf = (address: string) => (address.includes(":") ? "ipv6" : "ipv4");

const sessionDown = (node: string, neighbor: string): Observation => async (lab) => {
  const peer = (await bgpSummary(lab.runner(node), familyOf(neighbor))).value.peers.find((p) => p.address === neighbor);
  return peer && peer.state !== "Established" ? undefined : `${node}: neighbor ${neighbor} is ${peer?.state ?? "not configured"} (waiting for not Established)`;
};

/** The kernel route of `node` to `prefix` over exactly these next hops, named as the judges name them (an unnumbered one by its interface). */
const route = (node: string, prefix: string, via: readonly string[]): Observation => async (lab) => {
  const found = (await kernelRoutes(lab.runner(node), familyOf(prefix))).value.find((r) => r.dst === prefix);
  const have = found ? found.nexthops.map(nextHopKey).sort() : [];
  return have.join(",") === [...via].sort().join(",") ? undefined : `${node}: ${prefix} via ${have.join(", ") || "nothing"} (waiting for ${via.join(", ") || "no route"})`;
};

interface Fault {
  readonly name: string;
  readonly topology: string;
  readonly inject: (lab: LabDriver) => Promise<readonly Observation[]>;
  /** How long the fault may take to show, ms, beyond the lab's route-installed budget. */
  readonly showsWithinMs: (hold: number) => number;
  readonly fails: Partial<Record<ScenarioId, ReadonlyArray<string | RegExp>>>;
  /** The scenarios that run on its topology; SCENARIOS unless said. */
  readonly scenarios?: Readonly<Record<string, string>>;
}

const vtysh = (...commands: string[]) => ["vtysh", ...commands.flatMap((c) => ["-c", c])];

const FAULTS: readonly Fault[] = [
  { name: "cumulus-reference: none (control)", topology: CUMULUS, inject: async () => [], showsWithinMs: () => 0, fails: {} },
  {
    name: "cumulus-reference: leaf01's swp51 without IPv6 (no link-local, no session to spine01)",
    topology: CUMULUS,
    inject: async (lab) => {
      await inject(lab, "leaf01", ["sysctl", "-qw", "net.ipv6.conf.swp51.disable_ipv6=1"]);
      return [sessionDown("leaf01", "swp51"), sessionDown("spine01", "swp1"), route("spine01", "10.1.10.0/24", []), route("leaf01", "10.1.20.0/24", ["swp52"])];
    },
    // The session ends when its hold timer expires: the link stays up, only its addresses go.
    showsWithinMs: (hold) => hold * 1000,
    fails: {
      G1: [/leaf01: the neighbor swp51 \(spine01\) is in state \w+ \(expected Established\)/],
      G2: ["spine01 has no route to 10.1.10.0/24 (expected via leaf01 swp1)"],
      G3: ["leaf01 routes 10.1.20.0/24 via spine02 swp52 (expected via spine01 swp51, spine02 swp52)"],
      G4: ["spine01 got no answer from 10.10.10.1 (leaf01)"],
      G6: ["spine01 has not learned 10.1.10.0/24 over BGP (expected it from leaf01, AS path 65101)"],
      P7: [/leaf01: the neighbor swp51 \(spine01\) is in state \w+ \(expected Established\)/],
      P10: [/spine01 has no route to \S+ \(server01's pod block\)/],
      P11: [/leaf01 routes \S+ \(server0\d's pod block\) via spine02 swp52 \(expected via spine01 swp51, spine02 swp52\)/],
    },
  },
  { name: "leaf-pair-as: none (control)", topology: LEAF_PAIR, inject: async () => [], showsWithinMs: () => 0, fails: {} },
  {
    name: "leaf-pair-as: leaf1 without the allowas-in its reused AS needs",
    topology: LEAF_PAIR,
    inject: async (lab) => {
      await inject(lab, "leaf1", vtysh("configure terminal", "router bgp 65101", "address-family ipv4 unicast", "no neighbor 10.0.254.0 allowas-in 1", "no neighbor swp52 allowas-in 1"));
      return [route("leaf1", "10.0.12.0/24", []), route("leaf1", "10.0.255.12/32", [])];
    },
    // A changed inbound policy re-reads the peer's routes at once (route refresh).
    showsWithinMs: () => 5_000,
    // Everything from leaf2, the other leaf of AS 65101, on leaf1; nothing else (leaf3's rack, the spines).
    fails: {
      G3: ["leaf1 has no route to 10.0.12.0/24 (expected via"],
      G4: ["leaf1 got no answer from 10.0.255.12 (leaf2)"],
      G6: ["leaf1 has not learned 10.0.12.0/24 over BGP", "leaf1 has not learned 10.0.255.12/32 over BGP"],
    },
  },
  { name: "dual-stack: none (control)", topology: DUAL_STACK, scenarios: DUAL_STACK_SCENARIOS, inject: async () => [], showsWithinMs: () => 0, fails: {} },
  {
    name: "dual-stack: leaf1's IPv6 unicast not activated toward spine1",
    topology: DUAL_STACK,
    scenarios: DUAL_STACK_SCENARIOS,
    inject: async (lab) => {
      await inject(lab, "leaf1", vtysh("configure terminal", "router bgp 65501", "address-family ipv6 unicast", "no neighbor 2001:db8:fffe:: activate"));
      return [sessionDown("spine1", "2001:db8:fffe::1"), route("spine1", "2001:db8:100::/64", ["swp2", "swp3", "swp4"]), route("leaf1", "2001:db8:100:1::/64", ["swp52"])];
    },
    // A session with no family left is closed at once; its routes are withdrawn with it.
    showsWithinMs: () => 5_000,
    // The IPv6 session and the IPv6 prefixes' paths only: every IPv4 expectation holds, and so
    // does IPv6 reachability (I1, I2), which routes around over the other spine and leaves.
    fails: {
      G1: ["leaf1 has no BGP neighbor 2001:db8:fffe:: (spine1) (expected one in AS 65401, Established)"],
      G2: ["spine1 routes 2001:db8:100::/64 via leaf2 swp2, leaf3 swp3, leaf4 swp4 (expected via leaf1 swp1)"],
      G3: ["leaf1 routes 2001:db8:100:1::/64 via spine2 swp52 (expected via spine1 swp51, spine2 swp52)"],
      G6: [/spine1's best path to 2001:db8:100::\/64 has AS path \d+ 65402 65501 \(expected 65501\)/],
      P7: ["leaf1 has no BGP neighbor 2001:db8:fffe:: (spine1) (expected one in AS 65401, Established)"],
    },
  },
];

const rows: string[][] = [];
let lock: Lock | undefined;

before(async () => {
  mkdirSync(REPORT_DIR, { recursive: true });
  lock = await holdMachine("selftest designs");
});

after(() => {
  lock?.release();
  process.stdout.write(`\n${table(["fault", "scenarios expected to fail", "caught", "result"], rows)}\n`);
});

for (const [index, fault] of FAULTS.entries()) {
  test(`design fault: ${fault.name}`, async () => {
    const env = { ...process.env, FABRICSPEC_TOPOLOGY: fault.topology };
    const lab = labFromEnvironment(env);
    assert.equal(lab.name, "netns", "the design self-test needs the embedded lab (FABRICSPEC_DRIVER=netns)");
    const messages = join(REPORT_DIR, `design-fault-${index}.ndjson`);
    rmSync(messages, { force: true });
    let suite: { code: number | null; output: string };
    try {
      const up = await lab.up({ progress: () => {} });
      assert.equal(up.reused, false, "the lab must be built fresh for each fault");
      const observations = await fault.inject(lab);
      const installed = budgets(lab.topology.bgp).routeInstalled;
      await eventually(
        async () => {
          const waiting = (await Promise.all(observations.map((o) => o(lab)))).filter((w): w is string => w !== undefined);
          if (waiting.length > 0) throw new Error(`the fault "${fault.name}" has not taken effect:\n  ${waiting.join("\n  ")}`);
        },
        { name: "design_fault", ms: fault.showsWithinMs(lab.topology.bgp.hold) + installed.ms, reason: `the fault's own delay + ${installed.name}`, intervalMs: 100 },
      );
      suite = await runSuite("selftest", messages, fault.topology);
    } finally {
      await lab.down(() => {});
    }
    const ran = verdicts(readFileSync(messages, "utf8"));
    const scenarios = fault.scenarios ?? SCENARIOS;
    const problems = judgeVerdicts(scenarios, fault.fails, ran, suite.code);
    const ids = new Map(Object.entries(scenarios).map(([id, name]) => [name as string, id]));
    const caught = ran.filter((v) => v.status === "FAILED").map((v) => ids.get(v.name) ?? v.name);
    rows.push([fault.name, Object.keys(fault.fails).sort().join(" ") || "-", caught.sort().join(" ") || "-", problems.length ? "FAIL" : "pass"]);
    assert.deepEqual(problems, [], `the suite misjudged "${fault.name}".\ncucumber's summary:\n${suite.output}`);
  });
}
