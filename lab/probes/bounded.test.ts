import { test } from "node:test";
import assert from "node:assert/strict";
import { perSourceBounded } from "./bounded.js";

/** A fake probe that records how many probes, and which sources, run at once. */
function recorder() {
  const running = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  let maxPerSource = 0;
  const probe = async (item: { from: string; to: string }) => {
    inFlight++;
    running.set(item.from, (running.get(item.from) ?? 0) + 1);
    maxInFlight = Math.max(maxInFlight, inFlight);
    maxPerSource = Math.max(maxPerSource, running.get(item.from)!);
    await new Promise((resolve) => setImmediate(resolve));
    running.set(item.from, running.get(item.from)! - 1);
    inFlight--;
    return `${item.from}->${item.to}`;
  };
  return { probe, stats: () => ({ maxInFlight, maxPerSource }) };
}

const matrix = (n: number) => {
  const names = Array.from({ length: n }, (_, i) => `h${i + 1}`);
  return names.flatMap((from) => names.filter((to) => to !== from).map((to) => ({ from, to })));
};

test("a matrix runs at most `limit` sources at once, each source's probes one after the other", async () => {
  const items = matrix(10);
  const { probe, stats } = recorder();
  const results = await perSourceBounded(items, (i) => i.from, probe, 3);
  assert.deepEqual(results, items.map((i) => `${i.from}->${i.to}`));
  assert.deepEqual(stats(), { maxInFlight: 3, maxPerSource: 1 });
});

test("fewer sources than the limit run all at once", async () => {
  const { probe, stats } = recorder();
  await perSourceBounded(matrix(3), (i) => i.from, probe, 8);
  assert.equal(stats().maxInFlight, 3);
});

test("a failing probe fails the matrix", async () => {
  await assert.rejects(perSourceBounded([{ from: "a" }], (i) => i.from, () => Promise.reject(new Error("broken")), 2), /broken/);
});

test("a limit below 1 is refused", async () => {
  await assert.rejects(perSourceBounded([], () => "a", async () => 0, 0), RangeError);
});
