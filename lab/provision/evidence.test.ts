import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTopology } from "../topology/load.js";
import { findSwitch, type Switch } from "../topology/model.js";
import { keepProvisionLog, readProvisionLogs, formatProvisionLog, type ProvisionLog } from "./evidence.js";
import { provisionMachine, ProvisionError } from "./execute.js";
import { FakeMachine } from "./fake-machine.js";
import { planSwitch } from "./plan.js";
import { provisionFabric } from "./provision.js";
import { PACKAGED_TARGET } from "./target.js";

const blog = loadTopology();
const leaf1 = findSwitch(blog, "leaf1") as Switch;

function bare(sw: Switch): FakeMachine {
  return new FakeMachine(sw.name, [...sw.interfaces.map((i) => i.name), ...blog.hosts.filter((h) => h.leaf === sw.name).map((h) => h.leafPort)]);
}

const has = (text: string, line: string): void => assert.ok(text.split("\n").includes(line), `the log lacks the line ${JSON.stringify(line)}:\n${text}`);

test("a bare machine's log: what changed, then each step with its checks and commands, exit status, output, and the files written", async () => {
  const plan = planSwitch(blog, leaf1, PACKAGED_TARGET);
  const text = formatProvisionLog(plan, await provisionMachine(bare(leaf1), plan));
  assert.equal(text.split("\n")[0], `leaf1: ${plan.steps.length} of ${plan.steps.length} steps changed (${plan.steps.map((s) => s.name).join(", ")})`);
  has(text, "1. forwarding: changed");
  has(text, "   check   $ sysctl -n net.ipv4.ip_forward  (exit 0, 0 ms): not in place");
  has(text, "        | 0");
  has(text, "   run     $ sysctl -qw net.ipv4.ip_forward=1  (exit 0, 0 ms)");
  has(text, "3. link swp51: changed");
  has(text, "   check   $ ip -o link show dev swp51  (exit 0, 0 ms): not in place");
  has(text, "   run     $ ip addr replace 172.16.0.1/31 dev swp51  (exit 0, 0 ms)");
  has(text, `   run     $ dd of=/etc/frr/frr.conf.fabricspec-new status=none < ${Buffer.byteLength(plan.steps[10]?.files?.[0]?.content ?? "")} bytes on stdin  (exit 0, 0 ms)`);
  has(text, "   file /etc/frr/frr.conf:");
  has(text, "        | router bgp 65101");
  has(text, "12. load FRR: changed");
  has(text, "   run     $ systemctl restart frr  (exit 0, 0 ms)");
});

test("a second run's log says nothing changed, each step in place, and repeats no file", async () => {
  const machine = bare(leaf1);
  const plan = planSwitch(blog, leaf1, PACKAGED_TARGET);
  await provisionMachine(machine, plan);
  const text = formatProvisionLog(plan, await provisionMachine(machine, plan));
  assert.equal(text.split("\n")[0], `leaf1: already provisioned, nothing changed (${plan.steps.length} steps in place)`);
  has(text, "1. forwarding: unchanged");
  has(text, "   check   $ sysctl -n net.ipv4.ip_forward  (exit 0, 0 ms): in place");
  assert.ok(!text.includes("   run "), text);
  assert.ok(!text.includes("   file "), text);
});

test("a failed machine's log: the failure and its fix first, the failed step with its cleanup, the steps not run", async () => {
  const machine = bare(leaf1);
  machine.rejectLine = " coalesce-time 0";
  const plan = planSwitch(blog, leaf1, PACKAGED_TARGET);
  const error = await provisionMachine(machine, plan).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof ProvisionError);
  assert.deepEqual(error.steps.map((s) => s.outcome), [...Array<string>(10).fill("changed"), "failed"]);
  assert.deepEqual(error.results.at(-1)?.command, ["vtysh", "-C", "-f", "/etc/frr/frr.conf.fabricspec-new"], "the failing command is the failed step's last result, the cleanup after it only in the log");
  const text = formatProvisionLog(plan, error);
  assert.match(text.split("\n")[0] ?? "", /^leaf1: provisioning step "frr\.conf" failed: `vtysh -C -f \/etc\/frr\/frr\.conf\.fabricspec-new` exited 2: .*; fix: FRR on leaf1 rejects the rendered configuration/);
  has(text, "11. frr.conf: failed");
  has(text, "   run     $ vtysh -C -f /etc/frr/frr.conf.fabricspec-new  (exit 2, 0 ms)");
  has(text, "        | line 20: % Unknown command[1]:  coalesce-time 0");
  has(text, "   cleanup $ rm -f /etc/frr/frr.conf.fabricspec-new  (exit 0, 0 ms)");
  has(text, "12. load FRR: not run");
  has(text, 'stopped at step "frr.conf": the steps after it were not run');
});

test("provisionFabric gives every machine's log, the failed one's too; kept logs are read back in topology order", async () => {
  const machines = new Map(blog.switches.map((sw) => [sw.name, bare(sw)]));
  const spine2 = machines.get("spine2") as FakeMachine;
  spine2.links.delete("swp2");
  const logs: ProvisionLog[] = [];
  const dir = mkdtempSync(join(tmpdir(), "fabricspec-provision-log-"));
  const fileOf = (m: string): string => join(dir, m, "provision.log");
  await assert.rejects(provisionFabric(blog, (n) => machines.get(n) as FakeMachine, PACKAGED_TARGET, { log: (l) => { logs.push(l); keepProvisionLog(fileOf(l.machine), l); } }), ProvisionError);
  assert.deepEqual(logs.map((l) => l.machine).sort(), ["leaf1", "leaf2", "spine1", "spine2"]);
  assert.match(logs.find((l) => l.machine === "spine2")?.text ?? "", /^spine2: provisioning step "link swp2" failed: `ip link show dev swp2` exited 1/);
  assert.match(logs.find((l) => l.machine === "leaf2")?.text ?? "", /^leaf2: (\d+) of \1 steps changed/);
  const read = readProvisionLogs(["spine1", "spine2", "leaf1", "leaf2", "leaf9"], fileOf);
  assert.deepEqual(read.map((l) => l.machine), ["spine1", "spine2", "leaf1", "leaf2"], "a machine without a log is left out");
  assert.equal(read[1]?.text, logs.find((l) => l.machine === "spine2")?.text);
});
