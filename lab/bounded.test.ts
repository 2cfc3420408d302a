import assert from "node:assert/strict";
import { test } from "node:test";
import { settleBounded } from "./bounded.js";

const tick = () => new Promise((r) => setTimeout(r, 1));

test("settleBounded runs every item, never more than the limit at once", async () => {
  let running = 0;
  let most = 0;
  const done: number[] = [];
  await settleBounded(
    Array.from({ length: 20 }, (_, i) => i),
    async (i) => {
      most = Math.max(most, ++running);
      await tick();
      running--;
      done.push(i);
    },
    3,
  );
  assert.equal(most, 3);
  assert.deepEqual([...done].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
});

test("after a failure settleBounded starts nothing new, lets the running ones settle, then rejects with the first failure", async () => {
  const started: number[] = [];
  let running = 0;
  await assert.rejects(
    settleBounded(
      [0, 1, 2, 3, 4, 5],
      async (i) => {
        started.push(i);
        running++;
        await tick();
        running--;
        if (i === 1) throw new Error("item 1 failed");
        if (i === 2) throw new Error("item 2 failed too");
      },
      2,
    ),
    /item 1 failed/,
  );
  assert.equal(running, 0, "nothing still running when it rejects");
  assert.deepEqual(started, [0, 1, 2], "item 2 was already running when 1 failed; nothing after");
});

test("settleBounded refuses a limit that is not a whole number >= 1", async () => {
  await assert.rejects(settleBounded([1], async () => {}, 0), RangeError);
});
