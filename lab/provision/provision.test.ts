import { test } from "node:test";
import assert from "node:assert/strict";
import { loadTopology } from "../topology/load.js";
import { findSwitch, type Switch } from "../topology/model.js";
import { describeReport, provisionMachine, ProvisionError } from "./execute.js";
import { FakeMachine } from "./fake-machine.js";
import { formatMachinePlan, planSwitch } from "./plan.js";
import { PACKAGED_TARGET } from "./target.js";

const blog = loadTopology();
const leaf1 = findSwitch(blog, "leaf1") as Switch;

function bareLeaf1(): FakeMachine {
  const ports = blog.hosts.filter((h) => h.leaf === "leaf1").map((h) => h.leafPort);
  return new FakeMachine("leaf1", [...leaf1.interfaces.map((i) => i.name), ...ports]);
}

test("the plan of leaf1: forwarding, loopback, both links by name, the rack bridge and its ports, the gateway, FRR", () => {
  const plan = planSwitch(blog, leaf1, PACKAGED_TARGET);
  assert.deepEqual(plan.steps.map((s) => s.name), [
    "forwarding", "loopback", "link swp51", "link swp52", "rack bridge bridge",
    "rack port swp1", "rack port swp2", "rack port swp3", "rack gateway", "daemons file", "frr.conf", "load FRR",
  ]);
  const text = formatMachinePlan(plan);
  for (const expected of [
    "run: ip addr replace 172.16.255.101/32 dev lo",
    "run: ip addr replace 172.16.0.1/31 dev swp51",
    "run: ip addr replace 172.16.0.5/31 dev swp52",
    "run: ip addr replace 10.0.101.1/24 dev bridge",
    "run: ip link set swp1 master bridge",
    "run: sysctl -qw net.ipv4.ip_forward=1",
    "run: vtysh -C -f /etc/frr/frr.conf.fabricspec-new",
    "run: systemctl restart frr",
    "file /etc/frr/daemons:",
    "       | bgpd=yes",
    "       | staticd=yes",
    "       | zebra=yes",
    "file /etc/frr/frr.conf:",
    "       |  neighbor 172.16.0.0 remote-as 65001",
  ]) assert.ok(text.includes(expected), `the plan lacks ${JSON.stringify(expected)}:\n${text}`);
});

test("a bare machine is provisioned, and a second run changes nothing and says so", async () => {
  const machine = bareLeaf1();
  const plan = planSwitch(blog, leaf1, PACKAGED_TARGET);
  const first = await provisionMachine(machine, plan);
  assert.equal(first.changed, plan.steps.length);
  assert.deepEqual(machine.links.get("swp51")?.addresses, ["172.16.0.1/31"]);
  assert.deepEqual(machine.links.get("bridge")?.addresses, ["10.0.101.1/24"]);
  assert.equal(machine.links.get("swp2")?.master, "bridge");
  assert.equal(machine.sysctls.get("net.ipv4.ip_forward"), "1");
  assert.match(machine.files.get("/etc/frr/frr.conf") ?? "", /^router bgp 65101$/m);
  assert.equal(machine.files.has("/etc/frr/frr.conf.fabricspec-new"), false);
  assert.equal(machine.active, true);

  const ran = machine.ran.length;
  const second = await provisionMachine(machine, plan);
  assert.equal(second.changed, 0);
  assert.equal(describeReport(second), `leaf1: already provisioned, nothing changed (${plan.steps.length} steps in place)`);
  assert.ok(machine.ran.slice(ran).every((argv) => ["ip", "sysctl", "cmp", "systemctl"].includes(argv[0] ?? "") && !argv.includes("replace") && !argv.includes("restart")), "the second run only checked");
});

test("a frr.conf that FRR's dry run rejects: the machine, the step and the fix; nothing installed, no candidate left", async () => {
  const machine = bareLeaf1();
  machine.rejectLine = " coalesce-time 0";
  const error = await provisionMachine(machine, planSwitch(blog, leaf1, PACKAGED_TARGET)).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof ProvisionError, String(error));
  assert.equal(error.message, 'leaf1: provisioning step "frr.conf" failed: `vtysh -C -f /etc/frr/frr.conf.fabricspec-new` exited 2: line 20: % Unknown command[1]:  coalesce-time 0');
  assert.match(error.hint ?? "", /^FRR on leaf1 rejects the rendered configuration/);
  assert.equal(machine.files.has("/etc/frr/frr.conf"), false);
  assert.equal(machine.files.has("/etc/frr/frr.conf.fabricspec-new"), false);
  assert.equal(machine.active, false, "FRR was not restarted");
});

test("a missing interface names the interface, its peer and how to fix it", async () => {
  const machine = bareLeaf1();
  machine.links.delete("swp52");
  const error = await provisionMachine(machine, planSwitch(blog, leaf1, PACKAGED_TARGET)).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof ProvisionError);
  assert.equal(error.message, 'leaf1: provisioning step "link swp52" failed: `ip link show dev swp52` exited 1: Device "swp52" does not exist.');
  assert.match(error.hint ?? "", /^the machine needs an interface named swp52, linked to spine2 swp1 as the topology says/);
});
