import { test } from "node:test";
import assert from "node:assert/strict";
import { CommandError } from "../errors.js";
import { must } from "./must.js";
import type { CommandRunner, RunOptions } from "./runner.js";

/** A FAKE runner: exits as told, and keeps the options it was given. */
function fake(exitCode: number, stderr = "", stdout = ""): CommandRunner & { options: RunOptions[] } {
  const options: RunOptions[] = [];
  return { node: "leaf1", options, run: async (argv, o) => (options.push(o ?? {}), { command: argv, exitCode, stdout, stderr, durationMs: 1 }) };
}

test("must: the result of a command that succeeds; its input and a 120 s default timeout passed on", async () => {
  const runner = fake(0, "", "ok\n");
  assert.equal((await must(runner, ["tee", "/etc/frr/frr.conf"], "frr defaults datacenter\n")).stdout, "ok\n");
  await must(runner, ["true"], undefined, 5);
  assert.deepEqual(runner.options, [{ timeoutMs: 120_000, input: "frr defaults datacenter\n" }, { timeoutMs: 5 }]);
});

test("must: a failure is a CommandError with the node, the command and what it said", async () => {
  await assert.rejects(must(fake(1, "Failed to restart frr.service: Unit frr.service not found.\n"), ["systemctl", "restart", "frr"]), (e: unknown) => {
    assert.ok(e instanceof CommandError);
    assert.equal(e.message, "leaf1: systemctl restart frr failed: Failed to restart frr.service: Unit frr.service not found.");
    return true;
  });
  await assert.rejects(must(fake(3), ["false"]), /^CommandError: leaf1: false failed: exit 3$/);
});
