import { test } from "node:test";
import assert from "node:assert/strict";
import { formatCommand } from "../transport/runner.js";
import { FakeRunner, fixture } from "./fake-runner.js";
import { traceroute, tracerouteCommand } from "./traceroute.js";

function tracing(node: string, target: string, options: Parameters<typeof traceroute>[2], answer: { stdout?: string; stderr?: string; exitCode?: number }) {
  const runner = new FakeRunner(node, { [formatCommand(tracerouteCommand(target, options))]: answer });
  return traceroute(runner, target, options);
}

test("tracerouteCommand: -n -q 1 -w 1 [-s source] target, as argv", () => {
  assert.deepEqual(tracerouteCommand("172.16.255.102", { source: "172.16.255.101" }), [
    "traceroute", "-n", "-q", "1", "-w", "1", "-s", "172.16.255.101", "172.16.255.102",
  ]);
  assert.deepEqual(tracerouteCommand("10.0.102.101"), ["traceroute", "-n", "-q", "1", "-w", "1", "10.0.102.101"]);
});

test("traceroute: leaf1 to leaf2's loopback goes through a spine", async () => {
  const { value } = await tracing("leaf1", "172.16.255.102", { source: "172.16.255.101" }, {
    stdout: fixture("traceroute-leaf1-to-leaf2-from-loopback.txt"),
  });
  assert.deepEqual(value, {
    target: "172.16.255.102",
    hops: [
      { hop: 1, address: "172.16.0.0", rttMs: 0.049, annotation: undefined },
      { hop: 2, address: "172.16.255.102", rttMs: 0.016, annotation: undefined },
    ],
    reached: true,
    sendError: undefined,
  });
});

test("traceroute: host to host crosses leaf1, a spine and leaf2", async () => {
  const { value } = await tracing("k8s-node-l1-1", "10.0.102.101", {}, { stdout: fixture("traceroute-host-l1-1-to-host-l2-1.txt") });
  assert.deepEqual(value.hops.map((h) => [h.hop, h.address]), [
    [1, "10.0.101.1"],
    [2, "172.16.0.0"],
    [3, "172.16.0.3"],
    [4, "10.0.102.101"],
  ]);
  assert.equal(value.reached, true);
});

test("traceroute: unanswered hops are `*` (no address), and the target is not reached", async () => {
  const { value } = await tracing("k8s-node-l1-1", "10.0.102.99", {}, {
    stdout: fixture("traceroute-host-l1-1-to-absent-host-unanswered.txt"),
  });
  assert.equal(value.hops.length, 30);
  assert.deepEqual(value.hops.slice(0, 4), [
    { hop: 1, address: "10.0.101.1", rttMs: 0.054, annotation: undefined },
    { hop: 2, address: "172.16.0.4", rttMs: 0.025, annotation: undefined },
    { hop: 3, address: "172.16.0.7", rttMs: 0.016, annotation: undefined },
    { hop: 4, address: undefined, rttMs: undefined, annotation: undefined },
  ]);
  assert.ok(value.hops.slice(3).every((h) => h.address === undefined));
  assert.equal(value.hops.at(-1)?.hop, 30);
  assert.equal(value.reached, false);
});

test("traceroute: no route on the node (exit 1, Network is unreachable) is a value", async () => {
  const { value } = await tracing("leaf1", "192.0.2.1", {}, {
    exitCode: 1,
    stdout: fixture("traceroute-leaf1-no-route.txt"),
    stderr: fixture("traceroute-leaf1-no-route.stderr"),
  });
  assert.deepEqual(value, { target: "192.0.2.1", hops: [], reached: false, sendError: "connect: Network is unreachable" });
});

test("traceroute: a missing binary is a ProbeError with the fix", async () => {
  await assert.rejects(tracing("leaf1", "172.16.255.102", {}, { exitCode: 127, stderr: "traceroute: command not found" }), {
    name: "ProbeError",
    message: "leaf1: `traceroute -n -q 1 -w 1 172.16.255.102` failed with exit code 127: traceroute: command not found",
    hint: "apt-get install -y traceroute",
  });
});

test("traceroute: output without its header is a ProbeError", async () => {
  await assert.rejects(tracing("leaf1", "172.16.255.102", {}, { stdout: "Usage: traceroute [OPTION...] HOST\n" }), {
    name: "ProbeError",
    message: 'leaf1: `traceroute -n -q 1 -w 1 172.16.255.102` printed no "traceroute to" line: Usage: traceroute [OPTION...] HOST',
  });
});

test("traceroute: a hop named instead of numeric is a ProbeError", async () => {
  const named = fixture("traceroute-leaf1-to-leaf2-from-loopback.txt").replace(" 1  172.16.0.0", " 1  spine1");
  await assert.rejects(tracing("leaf1", "172.16.255.102", {}, { stdout: named }), {
    message: /printed a hop we cannot read: 1 {2}spine1 {2}0\.049 ms$/,
  });
});
