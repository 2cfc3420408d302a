import { test } from "node:test";
import assert from "node:assert/strict";
import { scaleChart, ticks } from "./chart.js";
import { medians, stats, type BenchResult, type FabricResult } from "./results.js";
import { benchTable } from "./table.js";

const run = (up: number, convergence: number, down: number, killed = 0) => ({
  upMs: up,
  phases: [
    { name: "addressing+daemons", ms: up - convergence },
    { name: "convergence", ms: convergence },
  ],
  downMs: down,
  downPhases: [{ name: "processes", ms: down, detail: `12 stopped${killed ? `, ${killed} killed` : ""}` }],
  killed,
});

const fabric = (name: string, spines: number, leaves: number, runs: FabricResult["runs"]): FabricResult => ({
  name,
  spines,
  leaves,
  hosts: leaves,
  switches: spines + leaves,
  runs,
  memory: { pssMiB: stats([22, 23, 24]), rssMiB: stats([32, 33]), perDaemonMiB: { bgpd: 11.5, zebra: 8.5 }, daemonsPerSwitch: 3 },
});

const RESULT: BenchResult = {
  at: "2026-12-02T12:00:00.000Z",
  machine: { cores: 2, cpu: "AMD EPYC", memoryGiB: 24, loadAverage: { start: [3.5, 3, 2.5], end: [3, 3, 2.5] } },
  driver: "netns",
  fabrics: [fabric("blog", 2, 2, [run(3000, 1500, 200), run(2800, 1400, 220), run(3200, 1600, 240)]), fabric("clos-8x32", 8, 32, [run(12000, 3000, 900, 2)])],
  acceptance: { topology: "blog", ms: 31000, exitCode: 0 },
  reference: { script: "ref-lab.sh", pairs: [{ labUpMs: 4400, labDownMs: 900, referenceMs: 5600, referenceWallMs: 7000, ratio: 4400 / 5600 }], ratio: stats([4400 / 5600]) },
};

test("stats: median of odd and even counts, min and max", () => {
  assert.deepEqual(stats([3, 1, 2]), { median: 2, min: 1, max: 3 });
  assert.deepEqual(stats([4, 1, 2, 3]), { median: 2.5, min: 1, max: 4 });
});

test("medians per phase, and the worst teardown's SIGKILLs", () => {
  const m = medians(RESULT.fabrics[0] as FabricResult);
  assert.deepEqual(m, { up: 3000, down: 220, killed: 0, phases: { "addressing+daemons": 1500, convergence: 1500 } });
  assert.equal(medians(RESULT.fabrics[1] as FabricResult).killed, 2);
});

test("the table has a column per fabric and a row per measure, the ratio and the acceptance run", () => {
  const table = benchTable(RESULT);
  assert.match(table, /fabric \(medians\)\s+blog\s+clos-8x32/);
  assert.match(table, /nothing to converged\s+3\.00 s\s+12\.00 s/);
  assert.match(table, /per switch\s+750 ms\s+300 ms/);
  assert.match(table, /daemons SIGKILLed\s+0\s+2/);
  assert.match(table, /memory per switch, PSS\s+23\.0 MiB\s+23\.0 MiB/);
  assert.match(table, /median ratio 0\.79/);
  assert.match(table, /whole acceptance run .*: 31\.00 s$/m);
});

test("ticks: round steps from 0 past the maximum", () => {
  assert.deepEqual(ticks(12), [0, 5, 10, 15]);
  assert.deepEqual(ticks(3.3), [0, 1, 2, 3, 4]);
  assert.deepEqual(ticks(40), [0, 10, 20, 30, 40]);
  assert.deepEqual(ticks(0), [0, 1]);
});

test("the chart: one SVG, a line and a point per fabric for each series, text escaped", () => {
  const svg = scaleChart({ ...RESULT, machine: { ...RESULT.machine, cpu: "A<B>&C" } });
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal(svg.match(/<svg/g)?.length, 1);
  assert.ok(svg.trimEnd().endsWith("</svg>"));
  // time: total, 2 phases, teardown; memory: PSS, RSS. Each a polyline with a point per fabric.
  assert.equal(svg.match(/<polyline/g)?.length, 6);
  assert.equal(svg.match(/<circle/g)?.length, 12);
  assert.match(svg, /A&lt;B&gt;&amp;C/);
  assert.doesNotMatch(svg, /NaN|undefined/);
});
