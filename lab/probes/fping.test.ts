import { test } from "node:test";
import assert from "node:assert/strict";
import { formatCommand } from "../transport/runner.js";
import { FakeRunner, fixture } from "./fake-runner.js";
import { fping, fpingCommand } from "./fping.js";
import { ProbeError } from "./probe.js";

function pinging(node: string, targets: readonly string[], options: Parameters<typeof fping>[2], answer: { stdout?: string; stderr?: string; exitCode?: number }) {
  const runner = new FakeRunner(node, { [formatCommand(fpingCommand(targets, options))]: answer });
  return { runner, result: fping(runner, targets, options) };
}

test("fpingCommand: -C N -t T -i 1 -p 200 [-S source] targets, as argv", () => {
  assert.deepEqual(fpingCommand(["10.0.0.7", "10.0.0.8"], { source: "10.0.0.6" }), ["fping", "-C", "1", "-t", "1000", "-i", "1", "-p", "200", "-S", "10.0.0.6", "10.0.0.7", "10.0.0.8"]);
  assert.deepEqual(fpingCommand(["2001:db8::1"], { count: 2, timeoutMs: 500 }), ["fping", "-C", "2", "-t", "500", "-i", "1", "-p", "200", "2001:db8::1"]);
});

test("fping: one result per target in the targets' order; the leaf's Network Unreachable is kept", async () => {
  const targets = ["10.0.0.7", "10.255.255.1", "10.0.0.6"];
  const { runner, result } = pinging("host-l108-1", targets, {}, {
    stdout: fixture("fping-5.1-host-unreachable-net.stdout"),
    stderr: fixture("fping-5.1-host-unreachable-net.stderr"),
    exitCode: 1,
  });
  const { value } = await result;
  assert.deepEqual(value.map((r) => [r.target, r.transmitted, r.received, r.lossPercent]), [
    ["10.0.0.7", 1, 1, 0],
    ["10.255.255.1", 1, 0, 100],
    ["10.0.0.6", 1, 1, 0],
  ]);
  assert.deepEqual(value[0]?.replies, [{ from: "10.0.0.7", seq: 1, ttl: undefined, timeMs: 0.048 }]);
  assert.deepEqual(value[1]?.errors, [{ from: "10.128.107.1", seq: 1, message: "Network Unreachable" }]);
  // Three requests 1 ms apart, the last reply awaited 1 s, and 10 s of slack for a loaded machine.
  assert.equal(runner.calls[0]?.options?.timeoutMs, 3 + 1000 + 10_000);
});

test("fping: two requests each; a target with no route answers neither", async () => {
  const targets = ["203.0.113.1", "10.0.0.7"];
  const { value } = await pinging("spine2", targets, { count: 2, timeoutMs: 500, source: "10.0.0.6" }, { stderr: fixture("fping-5.1-spine-count2-no-route.stderr"), exitCode: 1 }).result;
  assert.deepEqual(value.map((r) => [r.target, r.transmitted, r.received]), [["203.0.113.1", 2, 0], ["10.0.0.7", 2, 2]]);
  assert.deepEqual(value[1]?.replies.map((r) => r.seq), [1, 2]);
});

test("fping: a source address the node does not have (exit 4) is a broken probe, not packet loss", async () => {
  const { result } = pinging("spine2", ["10.0.0.7"], { source: "10.9.9.9" }, { stderr: fixture("fping-5.1-bad-source.stderr"), exitCode: 4 });
  await assert.rejects(result, (error: unknown) => error instanceof ProbeError && /exit code 4/.test(error.message) && /cannot bind source address/.test(error.message));
});

test("fping: a target missing from the summary is output we cannot read", async () => {
  const { result } = pinging("spine2", ["10.0.0.9"], {}, { stderr: "10.0.0.7 : 0.04\n", exitCode: 0 });
  await assert.rejects(result, (error: unknown) => error instanceof ProbeError && /no summary for 10\.0\.0\.9/.test(error.message));
});
