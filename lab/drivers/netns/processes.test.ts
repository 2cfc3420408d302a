import { test } from "node:test";
import assert from "node:assert/strict";
import { waitForExit } from "./processes.js";

/** A fake process table: each PID exits after its own number of polls (Infinity: never). */
function fakeTable(pollsToExit: Record<number, number>): (pid: number) => boolean {
  const polls: Record<number, number> = {};
  return (pid) => {
    polls[pid] = (polls[pid] ?? 0) + 1;
    return polls[pid] <= (pollsToExit[pid] ?? 0);
  };
}

test("waitForExit returns nothing once every process has exited", async () => {
  assert.deepEqual(await waitForExit([1, 2, 3], { quietMs: 1000 }, fakeTable({ 1: 2, 2: 4, 3: 6 })), []);
});

test("waitForExit keeps waiting while processes keep exiting, past the quiet time", async () => {
  // One exits at each poll (>= 10 ms apart): 20 polls in all, longer than quietMs, never quiet that long.
  const pids = Array.from({ length: 20 }, (_, i) => i + 1);
  const table = fakeTable(Object.fromEntries(pids.map((pid) => [pid, pid + 1])));
  assert.deepEqual(await waitForExit(pids, { quietMs: 150, capMs: 60_000 }, table, () => false), []);
});

test("waitForExit gives up on a process that does not exit, after the quiet time", async () => {
  assert.deepEqual(await waitForExit([1, 2], { quietMs: 30 }, fakeTable({ 1: 2, 2: Infinity }), () => false), [2]);
});

test("waitForExit stops at its cap even while processes still exit", async () => {
  const table = fakeTable({ 1: 1, 2: 3, 3: 5, 4: 7, 5: 9, 6: 11, 7: Infinity });
  const left = await waitForExit([1, 2, 3, 4, 5, 6, 7], { quietMs: 1000, capMs: 30 }, table, () => true);
  assert.ok(left.includes(7));
});

test("waitForExit keeps waiting past the quiet time while a process that has not exited is still working", async () => {
  // Process 2 exits after 150 polls (>= 1.5 s), far past quietMs, but reports work all along.
  assert.deepEqual(await waitForExit([1, 2], { quietMs: 500, capMs: 60_000 }, fakeTable({ 1: 1, 2: 150 }), () => true), []);
});

test("waitForExit gives up on a process that neither exits nor works (a fake scheduler saying idle)", async () => {
  assert.deepEqual(await waitForExit([1], { quietMs: 50, capMs: 60_000 }, fakeTable({ 1: Infinity }), () => false), [1]);
});
