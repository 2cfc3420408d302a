import { test } from "node:test";
import assert from "node:assert/strict";
import { LabError } from "../errors.js";
import { bgpSummary, bgpTable, BGP_SUMMARY_COMMAND, BGP_TABLE_COMMAND, type BgpPeerState } from "./bgp.js";
import { FakeRunner, fixture } from "./fake-runner.js";
import { ProbeError } from "./probe.js";

const SUMMARY = "vtysh -c 'show bgp ipv4 unicast summary json'";
const TABLE = "vtysh -c 'show bgp ipv4 unicast json'";

function summaryOf(node: string, file: string) {
  return bgpSummary(new FakeRunner(node, { [SUMMARY]: { stdout: fixture(file) } }));
}

function peer(peers: readonly BgpPeerState[], address: string): BgpPeerState {
  const found = peers.find((p) => p.address === address);
  assert.ok(found, `no peer ${address} in ${peers.map((p) => p.address).join(", ")}`);
  return found;
}

test("bgpSummary: leaf1 peers with spine1 (172.16.0.0, AS 65001) and spine2 (172.16.0.4, AS 65002), Established", async () => {
  const { value } = await summaryOf("leaf1", "frr-8.4-bgp-summary-leaf1-established.json");
  assert.deepEqual(value, {
    routerId: "172.16.255.101",
    localAs: 65101,
    peers: [
      {
        address: "172.16.0.0",
        hostname: "spine1",
        remoteAs: 65001,
        state: "Established",
        established: true,
        adminShutdown: false,
        prefixesReceived: 3,
        uptimeMs: 12000,
      },
      {
        address: "172.16.0.4",
        hostname: "spine2",
        remoteAs: 65002,
        state: "Established",
        established: true,
        adminShutdown: false,
        prefixesReceived: 3,
        uptimeMs: 12000,
      },
    ],
  });
});

test("bgpSummary: spine1 peers with leaf1 (172.16.0.1) and leaf2 (172.16.0.3)", async () => {
  const { value } = await summaryOf("spine1", "frr-8.4-bgp-summary-spine1-established.json");
  assert.equal(value.routerId, "172.16.255.1");
  assert.equal(value.localAs, 65001);
  assert.deepEqual(
    value.peers.map((p) => [p.address, p.remoteAs, p.hostname, p.state]),
    [
      ["172.16.0.1", 65101, "leaf1", "Established"],
      ["172.16.0.3", 65102, "leaf2", "Established"],
    ],
  );
});

test("bgpSummary: FRR 8.4 shows a `neighbor X shutdown` peer as \"Idle (Admin)\"", async () => {
  const { value } = await summaryOf("leaf2", "frr-8.4-bgp-summary-leaf2-neighbor-shutdown.json");
  assert.deepEqual(peer(value.peers, "172.16.0.2"), {
    address: "172.16.0.2",
    hostname: "spine1",
    remoteAs: 65001,
    state: "Idle (Admin)",
    established: false,
    adminShutdown: true,
    // FRR prints pfxRcd 0 for this peer; a down peer has no count.
    prefixesReceived: undefined,
    uptimeMs: 2000,
  });
  const other = peer(value.peers, "172.16.0.6");
  assert.equal(other.state, "Established");
  assert.equal(other.prefixesReceived, 4);
});

test("bgpSummary: the far side of a shut-down session is Active, not admin down", async () => {
  const { value } = await summaryOf("spine1", "frr-8.4-bgp-summary-spine1-peer-leaf2-shut-by-peer.json");
  const leaf2 = peer(value.peers, "172.16.0.3");
  assert.equal(leaf2.state, "Active");
  assert.equal(leaf2.established, false);
  assert.equal(leaf2.adminShutdown, false);
  assert.equal(leaf2.prefixesReceived, undefined);
  assert.equal(peer(value.peers, "172.16.0.1").prefixesReceived, 5);
});

test("bgpSummary: a peer whose bgpd died is Active, down for 14 s", async () => {
  const { value } = await summaryOf("leaf1", "frr-8.4-bgp-summary-leaf1-spine2-bgpd-stopped.json");
  const spine2 = peer(value.peers, "172.16.0.4");
  assert.equal(spine2.state, "Active");
  assert.equal(spine2.uptimeMs, 14000);
  assert.equal(spine2.prefixesReceived, undefined);
  const spine1 = peer(value.peers, "172.16.0.0");
  assert.equal(spine1.state, "Established");
  assert.equal(spine1.prefixesReceived, 1);
});

test("bgpSummary: FRR's {} (no neighbor configured) is a summary without peers", async () => {
  const { value } = await summaryOf("leaf1", "frr-8.4-bgp-summary-no-neighbors-or-no-instance.json");
  assert.deepEqual(value, { routerId: undefined, localAs: undefined, peers: [] });
});

test("bgpSummary: runs exactly the summary command and keeps its raw output as evidence", async () => {
  const stdout = fixture("frr-8.4-bgp-summary-leaf1-established.json");
  const runner = new FakeRunner("leaf1", { [SUMMARY]: { stdout } });
  const { evidence } = await bgpSummary(runner);
  assert.deepEqual(runner.calls.map((c) => c.argv), [BGP_SUMMARY_COMMAND]);
  assert.equal(evidence.stdout, stdout);
  assert.equal(evidence.exitCode, 0);
});

test("bgpSummary: bgpd not running is a ProbeError naming node, command and vtysh's reason", async () => {
  const runner = new FakeRunner("spine2", {
    [SUMMARY]: { exitCode: 1, stderr: fixture("vtysh-spine2-bgpd-not-running.stderr") },
  });
  const error = await bgpSummary(runner).then(
    () => assert.fail("expected a ProbeError"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ProbeError);
  assert.ok(error instanceof LabError);
  assert.equal(
    error.message,
    "spine2: `vtysh -c 'show bgp ipv4 unicast summary json'` failed with exit code 1: bgpd is not running",
  );
  assert.equal(error.node, "spine2");
  assert.deepEqual(error.command, BGP_SUMMARY_COMMAND);
  assert.equal(error.evidence.exitCode, 1);
});

test("bgpSummary: vtysh reaching no daemon is a ProbeError", async () => {
  const runner = new FakeRunner("spine1", { [SUMMARY]: { exitCode: 1, stderr: fixture("vtysh-no-daemons.stderr") } });
  await assert.rejects(bgpSummary(runner), {
    name: "ProbeError",
    message:
      "spine1: `vtysh -c 'show bgp ipv4 unicast summary json'` failed with exit code 1: Exiting: failed to connect to any daemons.",
  });
});

test("bgpSummary: vtysh's complaint on stdout is the cause when stderr is empty", async () => {
  const runner = new FakeRunner("spine1", { [SUMMARY]: { exitCode: 1, stdout: fixture("vtysh-unknown-command.txt") } });
  await assert.rejects(bgpSummary(runner), {
    message: /failed with exit code 1: % Unknown command: show bgp ipv4 unicast summary jsn$/,
  });
});

test("bgpSummary: a missing vtysh carries the fix", async () => {
  const runner = new FakeRunner("leaf1", { [SUMMARY]: { exitCode: 127, stderr: "vtysh: command not found" } });
  await assert.rejects(bgpSummary(runner), (error: unknown) => {
    assert.ok(error instanceof ProbeError);
    assert.match(error.message, /exit code 127: vtysh: command not found$/);
    assert.equal(error.hint, "apt-get install -y frr");
    return true;
  });
});

test("bgpSummary: a timeout is a ProbeError, and the probe bounds vtysh", async () => {
  const runner = new FakeRunner("leaf1", { [SUMMARY]: { exitCode: 124 } });
  await assert.rejects(bgpSummary(runner), {
    message: "leaf1: `vtysh -c 'show bgp ipv4 unicast summary json'` timed out",
  });
  assert.equal(runner.calls[0]?.options?.timeoutMs, 15_000);
});

test("bgpSummary: output that is not JSON is a ProbeError quoting it", async () => {
  const runner = new FakeRunner("leaf1", { [SUMMARY]: { stdout: "BGP router identifier 172.16.255.101, local AS number 65101\n" } });
  await assert.rejects(bgpSummary(runner), {
    name: "ProbeError",
    message:
      "leaf1: `vtysh -c 'show bgp ipv4 unicast summary json'` printed output that is not JSON: BGP router identifier 172.16.255.101, local AS number 65101",
  });
});

test("bgpSummary: a key we read with the wrong shape is a ProbeError with its path", async () => {
  const broken = fixture("frr-8.4-bgp-summary-leaf1-established.json").replace('"remoteAs":65001', '"remoteAs":"65001"');
  const runner = new FakeRunner("leaf1", { [SUMMARY]: { stdout: broken } });
  await assert.rejects(bgpSummary(runner), {
    name: "ProbeError",
    message: /printed JSON we cannot read: .*peers\["172\.16\.0\.0"\]\.remoteAs: /,
  });
});

test("bgpTable: spine1 learns both racks from their leaves, origin incomplete", async () => {
  const runner = new FakeRunner("spine1", { [TABLE]: { stdout: fixture("frr-8.4-bgp-table-spine1.json") } });
  const { value } = await bgpTable(runner);
  assert.deepEqual(runner.calls.map((c) => c.argv), [BGP_TABLE_COMMAND]);
  assert.equal(value.routerId, "172.16.255.1");
  assert.equal(value.localAs, 65001);
  assert.deepEqual(Object.keys(value.routes), [
    "10.0.101.0/24",
    "10.0.102.0/24",
    "172.16.255.1/32",
    "172.16.255.2/32",
    "172.16.255.101/32",
    "172.16.255.102/32",
  ]);
  assert.deepEqual(value.routes["10.0.101.0/24"], [
    {
      nextHops: [{ ip: "172.16.0.1", hostname: "leaf1" }],
      asPath: "65101",
      asNumbers: [65101],
      origin: "incomplete",
      valid: true,
      best: true,
      multipath: false,
      peerId: "172.16.0.1",
    },
  ]);
  const rack2 = value.routes["10.0.102.0/24"];
  assert.deepEqual(
    rack2?.map((p) => [p.nextHops.map((h) => h.ip), p.asPath, p.origin, p.best]),
    [[["172.16.0.3"], "65102", "incomplete", true]],
  );
});

test("bgpTable: a route the router originates has no peer, an empty path and next hop 0.0.0.0", async () => {
  const runner = new FakeRunner("spine1", { [TABLE]: { stdout: fixture("frr-8.4-bgp-table-spine1.json") } });
  const { value } = await bgpTable(runner);
  assert.deepEqual(value.routes["172.16.255.1/32"], [
    {
      nextHops: [{ ip: "0.0.0.0", hostname: "spine1" }],
      asPath: "",
      asNumbers: [],
      origin: "incomplete",
      valid: true,
      best: true,
      multipath: false,
      peerId: undefined,
    },
  ]);
});

test("bgpTable: leaf1 reaches rack 2 over both spines (best + multipath)", async () => {
  const runner = new FakeRunner("leaf1", { [TABLE]: { stdout: fixture("frr-8.4-bgp-table-leaf1-ecmp.json") } });
  const { value } = await bgpTable(runner);
  assert.deepEqual(value.routes["10.0.102.0/24"], [
    {
      nextHops: [{ ip: "172.16.0.4", hostname: "spine2" }],
      asPath: "65002 65102",
      asNumbers: [65002, 65102],
      origin: "incomplete",
      valid: true,
      best: false,
      multipath: true,
      peerId: "172.16.0.4",
    },
    {
      nextHops: [{ ip: "172.16.0.0", hostname: "spine1" }],
      asPath: "65001 65102",
      asNumbers: [65001, 65102],
      origin: "incomplete",
      valid: true,
      best: true,
      multipath: false,
      peerId: "172.16.0.0",
    },
  ]);
  assert.equal(value.routes["172.16.255.1/32"]?.length, 1);
});

test("bgpTable: an empty table is a value", async () => {
  const runner = new FakeRunner("leaf1", { [TABLE]: { stdout: fixture("frr-8.4-bgp-table-empty.json") } });
  const { value } = await bgpTable(runner);
  assert.deepEqual(value, { routerId: "10.9.9.9", localAs: 65009, routes: {} });
});

test("bgpTable: FRR's warning instead of a table is a ProbeError", async () => {
  const runner = new FakeRunner("leaf1", { [TABLE]: { stdout: fixture("frr-8.4-bgp-table-no-bgp-instance.json") } });
  await assert.rejects(bgpTable(runner), {
    name: "ProbeError",
    message: "leaf1: `vtysh -c 'show bgp ipv4 unicast json'` printed a warning instead of a table: Default BGP instance not found",
  });
});

test("bgpTable: an origin FRR does not print is a ProbeError naming where", async () => {
  const broken = fixture("frr-8.4-bgp-table-spine1.json").replace('"origin":"incomplete"', '"origin":"?"');
  const runner = new FakeRunner("spine1", { [TABLE]: { stdout: broken } });
  await assert.rejects(bgpTable(runner), {
    message: /printed JSON we cannot read: routes\["10\.0\.101\.0\/24"\]\[0\]\.origin: /,
  });
});

// ---------------------------------------------------------------------------------------------
// Older FRR (7.x, as in Cumulus Linux 4): published outputs, see fixtures/README.md.

test("bgpSummary: FRR 7.5's summary, wrapped in ipv4Unicast and without peerState, reads as FRR 8.4's", async () => {
  const { value } = await summaryOf("spine1-debian-9", "frr-7.5-bgp-summary-wrapped-idle-admin.json");
  assert.deepEqual(value, {
    routerId: "192.168.3.2",
    localAs: 200,
    peers: [
      {
        address: "192.168.0.1",
        hostname: "exit1-debian-9",
        remoteAs: 100,
        state: "Idle (Admin)",
        established: false,
        adminShutdown: true,
        prefixesReceived: undefined,
        uptimeMs: 9000,
      },
    ],
  });
});

test("bgpSummary: FRR 7.3 and earlier count received prefixes as prefixReceivedCount", async () => {
  // The peer object is verbatim from FRR 7.3 (tynany/frr_exporter#16), in FRR 7.5's envelope.
  const peer73 = {
    hostname: "spine000b",
    remoteAs: 4200065280,
    version: 4,
    msgRcvd: 9347,
    msgSent: 9368,
    tableVersion: 0,
    outq: 0,
    inq: 0,
    peerUptime: "07:45:58",
    peerUptimeMsec: 27958000,
    peerUptimeEstablishedEpoch: 1599789074,
    prefixReceivedCount: 230,
    pfxRcd: 230,
    pfxSnt: 341,
    state: "Established",
    idType: "interface",
  };
  const envelope = JSON.parse(fixture("frr-7.5-bgp-summary-wrapped-idle-admin.json")) as { ipv4Unicast: { peers: Record<string, unknown> } };
  const { pfxRcd: _dropped, ...before73 } = peer73;
  for (const [peers, name] of [[{ swp54: peer73 }, "7.3"], [{ swp54: before73 }, "before 7.3"]] as const) {
    envelope.ipv4Unicast.peers = peers;
    const runner = new FakeRunner("leaf", { [SUMMARY]: { stdout: JSON.stringify(envelope) } });
    const { value } = await bgpSummary(runner);
    assert.equal(value.peers[0]?.prefixesReceived, 230, name);
    assert.equal(value.peers[0]?.address, "swp54", `${name}: an unnumbered peer is keyed by its interface`);
  }
});

test("bgpTable: FRR 7.5's `show ip bgp json` reads as FRR 8.4's", async () => {
  const runner = new FakeRunner("exit1-debian-9", { [TABLE]: { stdout: fixture("frr-7.5-bgp-table-two-routes.json") } });
  const { value } = await bgpTable(runner);
  assert.equal(value.routerId, "192.168.255.1");
  assert.equal(value.localAs, 65000);
  assert.deepEqual(Object.keys(value.routes), ["172.16.255.254/32", "192.168.255.0/24"]);
  assert.deepEqual(value.routes["172.16.255.254/32"], [
    {
      nextHops: [{ ip: "192.168.255.2", hostname: "exit1-debian-9" }],
      asPath: "65001",
      asNumbers: [65001],
      origin: "incomplete",
      valid: true,
      best: true,
      multipath: false,
      peerId: "192.168.255.2",
    },
  ]);
});

// ---------------------------------------------------------------------------------------------
// FRR 4.0 (Cumulus Linux 3.7): constructed from FRR's source at tag frr-4.0, see fixtures/README.md.

test("bgpTable: FRR 4.0's table (aspath, no localAS, no next-hop hostname) reads as FRR 8.4's, the AS unknown", async () => {
  const old = await bgpTable(new FakeRunner("spine1", { [TABLE]: { stdout: fixture("frr-4.0-constructed-bgp-table-spine1.json") } }));
  const now = await bgpTable(new FakeRunner("spine1", { [TABLE]: { stdout: fixture("frr-8.4-bgp-table-spine1.json") } }));
  assert.equal(old.value.routerId, "172.16.255.1");
  assert.equal(old.value.localAs, undefined);
  const withoutHostnames = (t: typeof now.value) =>
    Object.fromEntries(Object.entries(t.routes).map(([prefix, paths]) => [prefix, paths.map((p) => ({ ...p, nextHops: p.nextHops.map((h) => h.ip) }))]));
  assert.deepEqual(withoutHostnames(old.value), withoutHostnames(now.value), "the same table, path for path, as FRR 8.4 printed it");
  assert.deepEqual(old.value.routes["172.16.255.2/32"]?.map((p) => [p.asPath, p.best, p.multipath]), [["65102 65002", false, true], ["65101 65002", true, false]]);
});

test("bgpTable: a path with neither path nor aspath is a ProbeError naming where", async () => {
  const broken = fixture("frr-4.0-constructed-bgp-table-spine1.json").replace('"aspath": "65101", ', "");
  await assert.rejects(bgpTable(new FakeRunner("spine1", { [TABLE]: { stdout: broken } })), {
    message: /printed JSON we cannot read: routes\["10\.0\.101\.0\/24"\]\[0\]\.path: no AS path: neither "path" \(FRR 7\.0 on\) nor "aspath" \(before 7\.4\)/,
  });
});

test("bgpSummary: FRR 4.0's summary (prefixReceivedCount, no peerState, no localAs per peer) reads as FRR 8.4's", async () => {
  const { value } = await summaryOf("leaf1", "frr-4.0-constructed-bgp-summary-leaf1-established.json");
  assert.equal(value.routerId, "172.16.255.101");
  assert.equal(value.localAs, 65101);
  assert.deepEqual(value.peers.map((p) => [p.address, p.remoteAs, p.state, p.established, p.adminShutdown, p.prefixesReceived]), [
    ["172.16.0.0", 65001, "Established", true, false, 3],
    ["172.16.0.4", 65002, "Established", true, false, 3],
  ]);
});
