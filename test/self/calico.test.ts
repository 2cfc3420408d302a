/**
 * The Calico peering scenarios can fail, and fail the right way. For each fault: a fresh blog lab
 * in Calico peering mode, the fault injected as an engineer would make it (through the driver's
 * runner, as `fabricspec lab exec` does), a wait until the network shows it, then the peering
 * feature run by cucumber in a child process (profile selftestCalico). Exactly the scenarios the
 * fault breaks must fail, each with an AssertionError saying what was found; all others must pass.
 * Holds the machine's lab lock for the whole file, like faults.test.ts, and removes every lab it
 * built, even when a check fails.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { LabDriver } from "../../lab/drivers/driver.js";
import { labFromEnvironment } from "../../lab/drivers/registry.js";
import { budgets } from "../../lab/expect/budgets.js";
import { eventually } from "../../lab/expect/eventually.js";
import type { Lock } from "../../lab/lock.js";
import { birdProtocols, type BirdProtocol } from "../../lab/probes/bird.js";
import { kernelRoutes } from "../../lab/probes/index.js";
import { BLOG_TOPOLOGY } from "../../lab/topology/load.js";
import { holdMachine, REPORT_DIR, table } from "./machine.js";
import { CALICO_PEERING_SCENARIOS } from "./scenarios.js";
import { idsByName, inject, judgeVerdicts, runSuite, verdicts } from "./suite-run.js";

const S = CALICO_PEERING_SCENARIOS;
type Id = keyof typeof S;
const idOf = idsByName(S);

type Observation = (lab: LabDriver) => Promise<string | undefined>;

interface Fault {
  readonly name: string;
  readonly inject: (lab: LabDriver) => Promise<readonly Observation[]>;
  /** The scenarios it must fail, each with fragments its failure message must contain. */
  readonly fails: Partial<Record<Id, readonly string[]>>;
}

const vtysh = (...commands: string[]) => ["vtysh", ...commands.flatMap((c) => ["-c", c])];

function birdSession(node: string, want: string, ok: (p: BirdProtocol) => boolean): Observation {
  return async (lab) => {
    const session = (await birdProtocols(lab.runner(node))).value.find((p) => p.bgp);
    return session && ok(session) ? undefined : `${node}: BIRD's session is ${session?.bgp?.state ?? "absent"}, local AS ${session?.bgp?.localAs ?? "?"} (waiting for ${want})`;
  };
}

function noRoute(node: string, prefix: string): Observation {
  return async (lab) => ((await kernelRoutes(lab.runner(node))).value.some((r) => r.dst === prefix) ? `${node} still routes ${prefix}` : undefined);
}

const FAULTS: readonly Fault[] = [
  { name: "none (control)", inject: async () => [], fails: {} },
  {
    name: "k8s-node-l2-1's Calico speaks AS 64512, not its rack's 65102",
    inject: async (lab) => {
      // As a Node resource without the rack's AS would: calico-node's BIRD with Calico's default AS.
      await inject(lab, "k8s-node-l2-1", ["sed", "-i", "s/local 10.0.102.101 as 65102;/local 10.0.102.101 as 64512;/", "/run/fabricspec/k8s-node-l2-1/bird.conf"]);
      await inject(lab, "k8s-node-l2-1", ["birdc", "configure"]);
      return [birdSession("k8s-node-l2-1", "local AS 64512, not Established", (p) => p.bgp?.localAs === 64512 && p.bgp.state !== "Established"), noRoute("spine1", "192.168.0.192/26")];
    },
    fails: {
      P1: ["k8s-node-l2-1 speaks BGP to leaf2 10.0.102.1 as AS 64512 (expected its leaf's AS 65102: one AS per rack)", "Bad peer AS"],
      P5: ["k8s-node-l2-1 speaks BGP to leaf2 10.0.102.1 as AS 64512"],
      P7: ["leaf2: the neighbor 10.0.102.101 (k8s-node-l2-1) is in state"],
      P9: ["k8s-node-l1-1 has no route to 192.168.0.192/26 (k8s-node-l2-1's pod block) (expected via leaf1 10.0.101.1)"],
      P10: ["spine1 has no route to 192.168.0.192/26 (k8s-node-l2-1's pod block) (expected via leaf2 172.16.0.3)"],
      P11: ["leaf1 has no route to 192.168.0.192/26 (k8s-node-l2-1's pod block) (expected via spine1 172.16.0.0, spine2 172.16.0.4)"],
      P12: ["got no answer from 192.168.0.193 (pod-k8s-node-l2-1)"],
    },
  },
  {
    name: "leaf1 does not reflect routes (no route-reflector-client)",
    inject: async (lab) => {
      const nodes = ["10.0.101.10", "10.0.101.101", "10.0.101.102"];
      await inject(lab, "leaf1", vtysh("configure terminal", "router bgp 65101", "address-family ipv4 unicast", ...nodes.map((n) => `no neighbor ${n} route-reflector-client`)));
      return [noRoute("k8s-node-l1-1", "192.168.0.128/26"), noRoute("k8s-node-l1-2", "192.168.0.64/26")];
    },
    fails: {
      P9: ["k8s-node-l1-1 has no route to 192.168.0.128/26 (k8s-node-l1-2's pod block) (expected via k8s-node-l1-2 10.0.101.102)"],
    },
  },
];

const rows: string[][] = [];
let lock: Lock | undefined;

before(async () => {
  mkdirSync(REPORT_DIR, { recursive: true });
  lock = await holdMachine("selftest calico");
});

after(() => {
  lock?.release();
  process.stdout.write(`\n${table(["fault", "expected to fail", "caught", "result"], rows)}\n`);
});

for (const [index, fault] of FAULTS.entries()) {
  test(`calico fault: ${fault.name}`, async () => {
    const lab = labFromEnvironment({ ...process.env, FABRICSPEC_TOPOLOGY: BLOG_TOPOLOGY });
    assert.equal(lab.name, "netns", "the Calico self-test needs the embedded lab (FABRICSPEC_DRIVER=netns)");
    assert.ok(lab.podNetwork, "the netns driver deploys pod networks");
    const messages = join(REPORT_DIR, `calico-fault-${index}.ndjson`);
    rmSync(messages, { force: true });
    let output = "";
    let code: number | null = null;
    try {
      const up = await lab.up();
      assert.equal(up.reused, false, "the lab must be built fresh for each fault");
      await lab.podNetwork("peering");
      const observations = await fault.inject(lab);
      await eventually(async () => {
        const waiting = (await Promise.all(observations.map((o) => o(lab)))).filter((w): w is string => w !== undefined);
        if (waiting.length > 0) throw new Error(`the fault "${fault.name}" has not taken effect:\n  ${waiting.join("\n  ")}`);
      }, { ...budgets(lab.topology.bgp).ebgpSession, name: "calico_fault" });
      ({ code, output } = await runSuite("selftestCalico", messages));
    } finally {
      await lab.down();
    }
    const ran = verdicts(readFileSync(messages, "utf8"));
    const problems = judgeVerdicts(S, fault.fails, ran, code);
    const expected = Object.keys(fault.fails);
    const caught = ran.filter((v) => v.status === "FAILED").map((v) => idOf.get(v.name) ?? v.name);
    rows.push([fault.name, expected.sort().join(" ") || "-", caught.sort().join(" ") || "-", problems.length ? "FAIL" : "pass"]);
    assert.deepEqual(problems, [], `the Calico scenarios misjudged "${fault.name}".\ncucumber's summary:\n${output}`);
  });
}
