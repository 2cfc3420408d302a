import { test } from "node:test";
import assert from "node:assert/strict";
import { bgpNeighbor, describeDownReason } from "./bgp-neighbor.js";
import { FakeRunner, fixture } from "./fake-runner.js";
import { frrLogTail, logFiles } from "./frr-log.js";

const neighborOf = (node: string, address: string, file: string) =>
  bgpNeighbor(new FakeRunner(node, { [`vtysh -c 'show bgp neighbors ${address} json'`]: { stdout: fixture(file) } }), address);

test("bgpNeighbor: leaf2 expecting AS 65009 of spine1 sent 2/2 OPEN Message Error/Bad Peer AS", async () => {
  const { value } = await neighborOf("leaf2", "172.16.0.2", "frr-8.4-bgp-neighbor-leaf2-spine1-bad-peer-as.json");
  assert.deepEqual(value, {
    address: "172.16.0.2",
    state: "Idle",
    remoteAs: 65009,
    lastResetDueTo: "BGP Notification send",
    lastResetAgoMs: 4000,
    lastNotification: { reason: "OPEN Message Error/Bad Peer AS", codeSubcode: "0202" },
    notificationsSent: 2,
    notificationsReceived: 0,
  });
  assert.equal(
    describeDownReason("leaf2", value, "172.16.0.2"),
    "leaf2: neighbor 172.16.0.2 (AS 65009) is Idle; last reset 4 s ago: BGP Notification send; last notification 2/2 OPEN Message Error/Bad Peer AS",
  );
});

test("bgpNeighbor: spine1's side of that session says what it last sent (6/7 Cease/Connection Collision Resolution)", async () => {
  const { value } = await neighborOf("spine1", "172.16.0.3", "frr-8.4-bgp-neighbor-spine1-leaf2-collision.json");
  assert.match(describeDownReason("spine1", value, "172.16.0.3"), /is Idle; last reset \d+ s ago: BGP Notification send; last notification 6\/7 Cease\/Connection Collision Resolution$/);
});

test("bgpNeighbor: an Established session gives no reason, though FRR keeps its start-up reset", async () => {
  const { value } = await neighborOf("leaf1", "172.16.0.0", "frr-8.4-bgp-neighbor-leaf1-spine1-established.json");
  assert.equal(value?.state, "Established");
  assert.equal(value?.lastResetDueTo, "No AFI/SAFI activated for peer");
  assert.equal(describeDownReason("leaf1", value, "172.16.0.0"), "leaf1: neighbor 172.16.0.0 (AS 65001) is Established");
});

test("bgpNeighbor: an address that is no neighbor is undefined, and said so", async () => {
  const { value } = await neighborOf("leaf2", "172.16.0.9", "frr-8.4-bgp-neighbor-no-such-neighbor.json");
  assert.equal(value, undefined);
  assert.equal(describeDownReason("leaf2", value, "172.16.0.9"), "leaf2: has no BGP neighbor 172.16.0.9");
});

test("logFiles: the embedded lab's daemons name their log on their command line", () => {
  assert.deepEqual(logFiles(fixture("frr-8.4-show-logging-netns.txt")), ["/run/fabricspec/leaf2/frr.log"]);
  assert.deepEqual(logFiles("File logging: level debugging, filename /var/log/frr/frr.log\n"), ["/var/log/frr/frr.log"]);
  assert.deepEqual(logFiles("Syslog logging: level informational, facility daemon\nFile logging: disabled\n"), []);
});

test("frrLogTail: reads the file show logging names through the node's runner; syslog only is said", async () => {
  const runner = new FakeRunner("leaf2", {
    "vtysh -c 'show logging'": { stdout: fixture("frr-8.4-show-logging-netns.txt") },
    "tail -n 40 /run/fabricspec/leaf2/frr.log": { stdout: "BGP: %NOTIFICATION: sent to neighbor 172.16.0.2 2/2 (OPEN Message Error/Bad Peer AS)\n" },
  });
  assert.deepEqual(await frrLogTail(runner), { file: "/run/fabricspec/leaf2/frr.log", text: "BGP: %NOTIFICATION: sent to neighbor 172.16.0.2 2/2 (OPEN Message Error/Bad Peer AS)\n" });
  const syslog = new FakeRunner("sw", { "vtysh -c 'show logging'": { stdout: "File logging: disabled\n" } });
  assert.match((await frrLogTail(syslog)).text, /syslog or stdout only/);
});
