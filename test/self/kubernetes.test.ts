/**
 * The Kubernetes scenarios can fail, and fail the right way. For each fault: a fresh blog lab, its
 * cluster started (the control plane, a kubelet and containerd per host), the fault injected as an
 * engineer would make it (through the driver's runner, as `fabricspec lab exec` does), a wait until
 * the cluster shows it, then features/kubernetes/ run by cucumber in a child process (profile
 * selftestKubernetes). Exactly the scenarios the fault breaks must fail, each with an
 * AssertionError saying what was found; all others must pass. Holds the machine's lab lock for the
 * whole file, and removes every lab it built, even when a check fails.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { LabDriver } from "../../lab/drivers/driver.js";
import { readState } from "../../lab/drivers/netns/state.js";
import { labFromEnvironment } from "../../lab/drivers/registry.js";
import { eventually } from "../../lab/expect/eventually.js";
import type { Lock } from "../../lab/lock.js";
import { kubernetesNodes } from "../../lab/probes/kubernetes.js";
import { BLOG_TOPOLOGY } from "../../lab/topology/load.js";
import { spines } from "../../lab/topology/model.js";
import { holdMachine, REPORT_DIR, table } from "./machine.js";
import { KUBERNETES_SCENARIOS } from "./scenarios.js";
import { idsByName, inject, judgeVerdicts, runSuite, verdicts } from "./suite-run.js";

type Id = keyof typeof KUBERNETES_SCENARIOS;
type Observation = (lab: LabDriver) => Promise<string | undefined>;

interface Fault {
  readonly name: string;
  readonly inject: (lab: LabDriver) => Promise<readonly Observation[]>;
  /** The scenarios it must fail, each with fragments its failure message must contain. */
  readonly fails: Partial<Record<Id, readonly string[]>>;
}

/** The node's Ready condition as the API server has it. */
function nodeReady(node: string, want: string): Observation {
  return async (lab) => {
    const access = lab.kubernetes ? await lab.kubernetes() : assert.fail("the driver gives no Kubernetes API");
    if (!access.ok) return `no Kubernetes API: ${access.reason}`;
    const found = (await kubernetesNodes(access.kubectl)).value.find((n) => n.name === node);
    return found?.ready === want ? undefined : `${node} is Ready=${found?.ready ?? "(not registered)"} (waiting for Ready=${want})`;
  };
}

const FAULTS: Fault[] = [
  { name: "none (control)", inject: async () => [], fails: {} },
  {
    name: "k8s-node-l2-2's kubelet stopped",
    inject: async (lab) => {
      const kubelet = readState()?.processes.find((p) => p.node === "k8s-node-l2-2" && p.daemon === "kubelet") ?? assert.fail("no kubelet recorded on k8s-node-l2-2");
      await inject(lab, "k8s-node-l2-2", ["kill", "-KILL", String(kubelet.pid)]);
      // The controller manager marks the node Unknown once it has posted no status for its grace period (50 s).
      return [nodeReady("k8s-node-l2-2", "Unknown")];
    },
    fails: {
      K3: ["k8s-node-l2-2 is NotReady for another reason: NodeStatusUnknown: Kubelet stopped posting node status."],
      K4: ["k8s-node-l2-2 is NotReady: NodeStatusUnknown: Kubelet stopped posting node status. (expected Ready)"],
      P1: ["fabricspec-probe-k8s-node-l2-2 on k8s-node-l2-2 is", "node k8s-node-l2-2 is Ready=Unknown"],
      P2: ["fabricspec-probe-k8s-node-l2-2 on k8s-node-l2-2 is", "node k8s-node-l2-2 is Ready=Unknown"],
      P3: ["fabricspec-probe-k8s-node-l2-2 on k8s-node-l2-2 is", "node k8s-node-l2-2 is Ready=Unknown"],
    },
  },
  {
    // Between racks, pod traffic crosses a spine only in peering mode: the overlay carries it
    // between the nodes' own addresses, which the rule leaves alone.
    name: "the spines drop forwarded pod traffic (iptables FORWARD -d the pod network -j DROP)",
    inject: async (lab) => {
      for (const spine of spines(lab.topology)) await inject(lab, spine.name, ["iptables", "-I", "FORWARD", "-d", lab.topology.podNetwork, "-j", "DROP"]);
      return [];
    },
    fails: {
      P2: ["on k8s-master-l1-1) got no reply from fabricspec-probe-k8s-node-l2-1", "on k8s-node-l2-1)"],
    },
  },
];

/** The controller manager's node-monitor grace period (50 s), one status update interval (10 s), and slack for a loaded machine. */
const NODE_UNKNOWN = { name: "node_status_unknown", ms: 120_000, reason: "node-monitor-grace-period 50 s + node status update 10 s + slack", intervalMs: 2_000 };

const rows: string[][] = [];
let lock: Lock | undefined;

before(async () => {
  mkdirSync(REPORT_DIR, { recursive: true });
  lock = await holdMachine("selftest kubernetes");
});

after(() => {
  lock?.release();
  process.stdout.write(`\n${table(["fault", "expected to fail", "caught", "result"], rows)}\n`);
});

for (const [index, fault] of FAULTS.entries()) {
  test(`kubernetes fault: ${fault.name}`, async (t) => {
    const lab = labFromEnvironment({ ...process.env, FABRICSPEC_TOPOLOGY: BLOG_TOPOLOGY });
    assert.equal(lab.name, "netns", "the Kubernetes self-test needs the embedded lab (FABRICSPEC_DRIVER=netns)");
    assert.ok(lab.kubernetes, "the netns driver gives a Kubernetes API");
    const messages = join(REPORT_DIR, `kubernetes-fault-${index}.ndjson`);
    rmSync(messages, { force: true });
    let output = "";
    let code: number | null = null;
    try {
      const up = await lab.up();
      assert.equal(up.reused, false, "the lab must be built fresh for each fault");
      const access = await lab.kubernetes();
      if (!access.ok || (access.kubelets && !access.kubelets.ok)) {
        t.skip(`no cluster with kubelets on this machine: ${access.ok ? (access.kubelets?.ok === false ? access.kubelets.reason : "") : access.reason}`);
        return;
      }
      const observations = await fault.inject(lab);
      await eventually(async () => {
        const waiting = (await Promise.all(observations.map((o) => o(lab)))).filter((w): w is string => w !== undefined);
        if (waiting.length > 0) throw new Error(`the fault "${fault.name}" has not taken effect:\n  ${waiting.join("\n  ")}`);
      }, NODE_UNKNOWN);
      ({ code, output } = await runSuite("selftestKubernetes", messages));
    } finally {
      await lab.down();
    }
    const ran = verdicts(readFileSync(messages, "utf8"));
    const idOf = idsByName(KUBERNETES_SCENARIOS);
    const problems = judgeVerdicts(KUBERNETES_SCENARIOS, fault.fails, ran, code);
    const caught = ran.filter((v) => v.status === "FAILED").map((v) => idOf.get(v.name) ?? v.name);
    rows.push([fault.name, Object.keys(fault.fails).sort().join(" ") || "-", caught.sort().join(" ") || "-", problems.length ? "FAIL" : "pass"]);
    assert.deepEqual(problems, [], `the Kubernetes scenarios misjudged "${fault.name}".\ncucumber's summary:\n${output}`);
  });
}
