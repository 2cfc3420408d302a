import { test } from "node:test";
import assert from "node:assert/strict";
import { formatCommand } from "../transport/runner.js";
import { FakeRunner, fixture } from "./fake-runner.js";
import { ping, pingCommand } from "./ping.js";
import { ProbeError } from "./probe.js";

const LEAF1_LO = "172.16.255.101";

function pinging(node: string, target: string, options: Parameters<typeof ping>[2], answer: { stdout?: string; stderr?: string; exitCode?: number }) {
  const runner = new FakeRunner(node, { [formatCommand(pingCommand(target, options))]: answer });
  return { runner, result: ping(runner, target, options) };
}

test("pingCommand: -n -c N -W T [-I source] target, as argv", () => {
  assert.deepEqual(pingCommand("172.16.255.1", { source: LEAF1_LO }), ["ping", "-n", "-c", "3", "-W", "1", "-I", LEAF1_LO, "172.16.255.1"]);
  assert.deepEqual(pingCommand("10.0.102.101", { count: 2, timeoutS: 2 }), ["ping", "-n", "-c", "2", "-W", "2", "10.0.102.101"]);
});

test("ping: leaf1's loopback to spine1's answers with TTL 64", async () => {
  const { runner, result } = pinging("leaf1", "172.16.255.1", { source: LEAF1_LO }, {
    stdout: fixture("iputils-ping-leaf1-to-spine1-from-loopback-ttl64.txt"),
  });
  const { value } = await result;
  assert.deepEqual(value, {
    target: "172.16.255.1",
    transmitted: 3,
    received: 3,
    lossPercent: 0,
    replies: [
      { from: "172.16.255.1", seq: 1, ttl: 64, timeMs: 0.083 },
      { from: "172.16.255.1", seq: 2, ttl: 64, timeMs: 0.044 },
      { from: "172.16.255.1", seq: 3, ttl: 64, timeMs: 0.041 },
    ],
    errors: [],
    sendError: undefined,
  });
  assert.equal(runner.calls[0]?.options?.timeoutMs, 9_000);
});

test("ping: leaf2's loopback answers with TTL 63, one hop further", async () => {
  const { value } = await pinging("leaf1", "172.16.255.102", { source: LEAF1_LO }, {
    stdout: fixture("iputils-ping-leaf1-to-leaf2-from-loopback-ttl63.txt"),
  }).result;
  assert.equal(value.received, 3);
  assert.deepEqual(value.replies.map((r) => r.ttl), [63, 63, 63]);
  assert.deepEqual(value.replies.map((r) => r.from), ["172.16.255.102", "172.16.255.102", "172.16.255.102"]);
});

test("ping: host to host across the fabric (TTL 61: leaf, spine, leaf)", async () => {
  const { value } = await pinging("k8s-node-l1-1", "10.0.102.101", { count: 2 }, {
    stdout: fixture("iputils-ping-host-l1-1-to-host-l2-1.txt"),
  }).result;
  assert.deepEqual(
    [value.transmitted, value.received, value.lossPercent, value.replies.map((r) => [r.seq, r.ttl])],
    [2, 2, 0, [[1, 61], [2, 61]]],
  );
});

test("ping: total loss (exit 1) is a value, not an error", async () => {
  const { value } = await pinging("k8s-node-l1-1", "10.0.102.101", { count: 2 }, {
    exitCode: 1,
    stdout: fixture("iputils-ping-host-l1-1-to-host-l2-1-total-loss.txt"),
  }).result;
  assert.deepEqual(value, {
    target: "10.0.102.101",
    transmitted: 2,
    received: 0,
    lossPercent: 100,
    replies: [],
    errors: [],
    sendError: undefined,
  });
});

test("ping: ICMP errors instead of replies are counted and kept", async () => {
  const { value } = await pinging("k8s-node-l1-1", "10.0.101.99", { count: 4 }, {
    exitCode: 1,
    stdout: fixture("iputils-ping-host-l1-1-to-absent-neighbour-errors.txt"),
  }).result;
  assert.equal(value.transmitted, 4);
  assert.equal(value.received, 0);
  assert.equal(value.lossPercent, 100);
  assert.deepEqual(value.errors, [
    { from: "10.0.101.101", seq: 1, message: "Destination Host Unreachable" },
    { from: "10.0.101.101", seq: 2, message: "Destination Host Unreachable" },
    { from: "10.0.101.101", seq: 3, message: "Destination Host Unreachable" },
  ]);
});

test("ping: no route on the node (exit 2, Network is unreachable) is a value", async () => {
  const { value } = await pinging("leaf1", "192.0.2.1", { count: 2 }, {
    exitCode: 2,
    stderr: fixture("iputils-ping-leaf1-no-route.stderr"),
  }).result;
  assert.deepEqual(value, {
    target: "192.0.2.1",
    transmitted: 0,
    received: 0,
    lossPercent: 100,
    replies: [],
    errors: [],
    sendError: "connect: Network is unreachable",
  });
});

test("ping: a source address the node lacks is a ProbeError", async () => {
  const { result } = pinging("leaf1", "172.16.255.1", { count: 2, source: "10.9.9.9" }, {
    exitCode: 2,
    stderr: fixture("iputils-ping-leaf1-bad-source.stderr"),
  });
  await assert.rejects(result, {
    name: "ProbeError",
    message: "leaf1: `ping -n -c 2 -W 1 -I 10.9.9.9 172.16.255.1` failed with exit code 2: ping: bind: Cannot assign requested address",
  });
});

test("ping: bad usage (exit 1, no output) is a ProbeError, not total loss", async () => {
  const { result } = pinging("leaf1", "172.16.255.1", {}, { exitCode: 1, stderr: fixture("iputils-ping-bad-usage.stderr") });
  await assert.rejects(result, (error: unknown) => {
    assert.ok(error instanceof ProbeError);
    assert.equal(error.node, "leaf1");
    assert.equal(error.message, "leaf1: `ping -n -c 3 -W 1 172.16.255.1` failed with exit code 1: ping: usage error: Destination address required");
    return true;
  });
});

test("ping: a missing binary is a ProbeError with the fix", async () => {
  const { result } = pinging("k8s-node-l1-1", "10.0.102.101", {}, { exitCode: 127, stderr: "ping: command not found" });
  await assert.rejects(result, { name: "ProbeError", hint: "apt-get install -y iputils-ping" });
});

test("ping: success without a statistics line is a ProbeError", async () => {
  const { result } = pinging("leaf1", "172.16.255.1", {}, { stdout: "PING 172.16.255.1 (172.16.255.1) 56(84) bytes of data.\n" });
  await assert.rejects(result, { message: "leaf1: `ping -n -c 3 -W 1 172.16.255.1` printed no ping statistics line" });
});
