import { test } from "node:test";
import assert from "node:assert/strict";
import { formatCommand } from "../transport/runner.js";
import { FakeRunner, fixture } from "./fake-runner.js";
import { fpingTrace, fpingTraceCommand, type FpingTraceOptions } from "./fping-trace.js";
import { ProbeError } from "./probe.js";

function tracing(node: string, targets: readonly string[], options: FpingTraceOptions, stdout: string) {
  const runner = new FakeRunner(node, { [formatCommand(fpingTraceCommand(targets, options))]: { stdout } });
  return fpingTrace(runner, targets, options);
}

test("fpingTraceCommand: one shell; hops, timeout, source and targets are its arguments, never in the script", () => {
  const argv = fpingTraceCommand(["10.128.5.11"], { maxHops: 8, source: "10.0.0.6" });
  assert.deepEqual(argv.slice(0, 2), ["sh", "-c"]);
  assert.deepEqual(argv.slice(3), ["fabricspec-fping-trace", "8", "1000", "10.0.0.6", "10.128.5.11"]);
  assert.equal(fpingTraceCommand(["10.128.5.11"], { maxHops: 8 })[6], "");
});

test("fpingTrace: hop k is who answered TTL k, up to the target's own reply", async () => {
  const targets = ["10.128.5.11", "10.128.100.11", "10.255.255.1"];
  const { value } = await tracing("host-l1-1", targets, { maxHops: 8 }, fixture("fping-trace-host-l1-1.stdout"));
  assert.deepEqual(value.map((t) => [t.target, t.reached, t.hops.map((h) => h.address ?? "*").join(" > ")]), [
    ["10.128.5.11", true, "10.128.0.1 > 10.1.0.0 > 10.1.0.11 > 10.128.5.11"],
    ["10.128.100.11", true, "10.128.0.1 > 10.1.0.0 > 10.1.3.24 > 10.1.3.37 > 10.1.1.137 > 10.128.100.11"],
    // Routed by nobody: the leaf's Network Unreachable is rate-limited by the kernel, so no hop answers.
    ["10.255.255.1", false, "* > * > * > * > * > * > * > *"],
  ]);
  assert.deepEqual(value[0]?.hops.map((h) => h.hop), [1, 2, 3, 4]);
  assert.equal(typeof value[0]?.hops[3]?.rttMs, "number");
});

test("fpingTrace: a source address the node does not have is a broken probe, with fping's words", async () => {
  await assert.rejects(
    tracing("spine2", ["10.0.0.7"], { maxHops: 2, timeoutMs: 500, source: "10.9.9.9" }, fixture("fping-trace-bad-source.stdout")),
    (e: unknown) => e instanceof ProbeError && /could not run fping: cannot bind source address/.test(e.message),
  );
});

test("fpingTrace: a TTL the shell printed nothing for is output we cannot read", async () => {
  await assert.rejects(tracing("spine2", ["10.0.0.7"], { maxHops: 3 }, "@@fabricspec-ttl 1\n10.0.0.7 : -\n"), (e: unknown) => e instanceof ProbeError && /nothing for TTL 2/.test(e.message));
});
