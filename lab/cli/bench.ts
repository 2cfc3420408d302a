/**
 * `npm run bench`: where bring-up time goes. Builds and removes the lab several times, timing each
 * phase, then times one whole acceptance run (`npm test` without the install check). Prints a table
 * and writes reports/bench.json. A measurement, never a pass/fail: timings belong here, not in tests.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { labFromEnvironment } from "../drivers/registry.js";
import { LabBusyError } from "../errors.js";
import { EXIT, progress, reportError, withLab } from "./run-lab.js";
import { PROJECT_ROOT } from "../project-root.js";

const root = PROJECT_ROOT;
const RUNS = Number(process.env.FABRICSPEC_BENCH_RUNS ?? 5);

interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[mid] ?? 0) : Math.round(((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2);
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}

function timedChild(args: readonly string[]): Promise<{ ms: number; code: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ ms: Math.round(performance.now() - started), code: code ?? EXIT.broken }));
  });
}

async function main(): Promise<number> {
  const driver = labFromEnvironment();
  const samples = new Map<string, number[]>();
  const add = (name: string, ms: number) => samples.set(name, [...(samples.get(name) ?? []), ms]);
  await withLab(driver, "npm run bench", async (session) => {
    const status = await driver.status();
    if (status.state !== "down") {
      throw new LabBusyError(`a lab is up (${status.topology}): the bench builds its own`, { hint: "npx fabricspec lab down" });
    }
    for (let run = 1; run <= RUNS; run++) {
      progress(`bring-up ${run} of ${RUNS}`);
      const started = performance.now();
      const up = await session.up();
      add("up (total)", Math.round(performance.now() - started));
      for (const phase of up.phases) add(`up: ${phase.name}`, phase.ms);
      const downStarted = performance.now();
      const down = await session.down();
      add("down (total)", Math.round(performance.now() - downStarted));
      for (const phase of down) add(`down: ${phase.name}`, phase.ms);
    }
    return EXIT.ok;
  });
  progress("one whole acceptance run (npm test without the install check)");
  const acceptance = await timedChild(["scripts/run.mjs", "scripts/acceptance.ts"]);
  add("npm test (whole run)", acceptance.ms);

  const rows = [...samples].map(([name, values]) => ({ name, ...stats(values), runs: values.length }));
  const width = Math.max(...rows.map((r) => r.name.length));
  const lines = [
    `fabricspec bench: topology ${driver.topology.name}, driver ${driver.name}, ${RUNS} bring-ups, ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"})`,
    `${"phase".padEnd(width)}  median      min      max`,
    ...rows.map((r) => `${r.name.padEnd(width)}  ${`${r.median}`.padStart(6)} ms ${`${r.min}`.padStart(5)} ms ${`${r.max}`.padStart(5)} ms`),
  ];
  if (acceptance.code !== 0) lines.push(`note: the acceptance run exited ${acceptance.code}; its time is not representative`);
  process.stdout.write(`${lines.join("\n")}\n`);
  mkdirSync(`${root}/reports`, { recursive: true });
  const json = { topology: driver.topology.name, driver: driver.name, runs: RUNS, cores: availableParallelism(), at: new Date().toISOString(), phases: rows, acceptanceExitCode: acceptance.code };
  writeFileSync(`${root}/reports/bench.json`, `${JSON.stringify(json, null, 2)}\n`);
  progress("written to reports/bench.json");
  return EXIT.ok;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(reportError(error)),
);
