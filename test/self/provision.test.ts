/**
 * The provisioner for real (FABRICSPEC_PROVISION=ssh): the embedded lab's switches come up bare
 * (named links, an sshd, FRR installed but neither configured nor running) and lab/provision/
 * builds the fabric over SSH. A second run over the same SSH runners changes nothing and says so.
 * Then one provisioning step broken for real (leaf1's swp52 missing, as when a NIC was not renamed):
 * the failure names the machine, the step and the fix, and bring-up leaves nothing behind.
 *
 * Holds the machine's lab lock for the whole file, and removes the lab in the end, whatever happens.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { NetnsAddon } from "../../lab/drivers/netns/addons.js";
import { EMBEDDED_TARGET } from "../../lab/drivers/netns/provision.js";
import { NetnsSshDriver } from "../../lab/drivers/netns/sshd.js";
import type { Lock } from "../../lab/lock.js";
import { bgpSummary } from "../../lab/probes/index.js";
import { ProvisionError } from "../../lab/provision/execute.js";
import { describeReport, provisionFabric } from "../../lab/provision/provision.js";
import { BLOG_TOPOLOGY, loadTopology } from "../../lab/topology/load.js";
import { SshPool } from "../../lab/transport/ssh/pool.js";
import { LAB_SSH_OPTIONS, DEFAULT_LOGIN } from "../../lab/drivers/netns/sshd.js";
import { countLeftovers, describeLeftovers, holdMachine, leftovers } from "./machine.js";

const topology = loadTopology(BLOG_TOPOLOGY);
let lock: Lock | undefined;

before(async () => {
  lock = await holdMachine("selftest provision");
});

after(async () => {
  try {
    const found = await leftovers();
    const left = { ...found, runDir: found.runDir.filter((entry) => entry !== "lock") }; // ours, released below
    assert.equal(countLeftovers(left), 0, `the lab left: ${describeLeftovers(left)}`);
  } finally {
    lock?.release();
  }
});

test("bare switches provisioned over SSH converge; a second provisioning run changes nothing and says so", async () => {
  const lab = new NetnsSshDriver(topology, new SshPool(LAB_SSH_OPTIONS), DEFAULT_LOGIN, true);
  try {
    const said: string[] = [];
    const { phases } = await lab.up({ progress: (m) => said.push(m) });
    assert.ok(phases.some((p) => p.name === "provisioning"), phases.map((p) => p.name).join(", "));
    for (const sw of topology.switches) assert.ok(said.some((m) => m.startsWith(`${sw.name}: `) && m.includes("steps changed")), `${sw.name}:\n${said.join("\n")}`);
    const summary = await bgpSummary(lab.runner("leaf1"));
    assert.deepEqual(summary.value.peers.map((p) => `${p.address} ${p.state}`).sort(), ["172.16.0.0 Established", "172.16.0.4 Established"]);

    const again = await provisionFabric(topology, (node) => lab.runner(node), EMBEDDED_TARGET);
    assert.deepEqual(again.map(describeReport), topology.switches.map((sw) => {
      const steps = again.find((r) => r.machine === sw.name)?.steps.length ?? 0;
      return `${sw.name}: already provisioned, nothing changed (${steps} steps in place)`;
    }));
  } finally {
    await lab.close();
    await lab.down();
  }
});

test("a missing interface: bring-up fails naming leaf1, the step and the fix, and leaves nothing behind", async () => {
  // A real fault on the bare machine: leaf1's swp52 renamed away before the provisioner runs, as a
  // NIC that a Vagrant box enumerated but nobody renamed to the topology's name.
  const misnamed: NetnsAddon = {
    name: "fault: leaf1 swp52 misnamed",
    up: (context) => context.ipBatch(["link set swp52 name eth9"], "rename swp52", "leaf1"),
  };
  const lab = new NetnsSshDriver(topology, new SshPool(LAB_SSH_OPTIONS), DEFAULT_LOGIN, true, [misnamed]);
  try {
    const error = await lab.up().then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof ProvisionError, `expected a ProvisionError, got ${String(error)}`);
    assert.equal(error.machine, "leaf1");
    assert.equal(error.step, "link swp52");
    assert.equal(error.message, 'leaf1: provisioning step "link swp52" failed: `ip link show dev swp52` exited 1: Device "swp52" does not exist.');
    assert.equal(
      error.hint,
      'the machine needs an interface named swp52, linked to spine2 swp1 as the topology says (Vagrant: the "interfaces" provisioner renames each NIC by its MAC; a real switch: rename the port or fix the topology)',
    );
    assert.deepEqual(error.results.at(-1)?.command, ["ip", "link", "show", "dev", "swp52"], "the failing command is the evidence's last");
  } finally {
    await lab.close();
    await lab.down();
  }
  const found = await leftovers();
  const left = { ...found, runDir: found.runDir.filter((entry) => entry !== "lock") };
  assert.equal(countLeftovers(left), 0, `the failed bring-up left: ${describeLeftovers(left)}`);
});
