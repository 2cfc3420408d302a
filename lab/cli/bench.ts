/**
 * `npm run bench`: where bring-up time goes, and how it grows. A measurement, never a pass/fail:
 * timings belong here, not in tests.
 *  1. The lab of FABRICSPEC_TOPOLOGY (default the blog lab), built and removed FABRICSPEC_BENCH_RUNS
 *     times (5), each phase timed, its switches' memory taken while up.
 *  2. One whole acceptance run (`npm test` without the install check); FABRICSPEC_BENCH_SUITE=0 skips it.
 *  3. The yardstick: `npx fabricspec lab up` against the plain shell bring-up of the blog lab
 *     (lab/bench/reference.ts), FABRICSPEC_BENCH_PAIRS pairs (3; 0 skips).
 *  4. The scale curve: generated two-tier fabrics, FABRICSPEC_BENCH_SCALE sizes (SPINESxLEAVES,
 *     default 2x4,4x16,8x32; empty skips), each brought up FABRICSPEC_BENCH_SCALE_RUNS times (1).
 *  5. Given topology files, `npm run bench -- --topology FILE` (repeatable) or FABRICSPEC_BENCH_TOPOLOGIES
 *     (comma-separated), e.g. lab/topologies/five-stage.yaml: each brought up like the generated ones.
 * Prints a table; writes reports/bench.json, reports/bench-scale.svg, and the generated topologies
 * under reports/bench/ (`FABRICSPEC_TOPOLOGY=reports/bench/clos-4x16.yaml npx fabricspec lab up`).
 * Each fabric is built holding the lab lock; the reference pairs take it per `lab up`.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { fabricName, fabricYaml, parseFabricSize } from "../bench/fabric.js";
import { benchFabric } from "../bench/fabric-run.js";
import { referenceRatio, referenceScript } from "../bench/reference.js";
import type { BenchResult, FabricResult } from "../bench/results.js";
import { scaleChart } from "../bench/chart.js";
import { benchTable } from "../bench/table.js";
import type { LabDriver } from "../drivers/driver.js";
import { createDriver, labFromEnvironment } from "../drivers/registry.js";
import { UsageError } from "../errors.js";
import { PROJECT_ROOT } from "../project-root.js";
import { loadTopology } from "../topology/load.js";
import { EXIT, progress, reportError, withLab } from "./run-lab.js";

const env = process.env;
const count = (name: string, fallback: number): number => {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`${name} must be a whole number, not "${env[name]}"`);
  return value;
};

const REPORTS = join(PROJECT_ROOT, "reports");

function timedChild(args: readonly string[]): Promise<{ ms: number; code: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ["ignore", "ignore", "inherit"] });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ ms: Math.round(performance.now() - started), code: code ?? EXIT.broken }));
  });
}

async function bench(driver: LabDriver, runs: number): Promise<FabricResult> {
  let result: FabricResult | undefined;
  await withLab(driver, "npm run bench", async (session) => {
    result = await benchFabric(driver, session, runs, progress);
    return EXIT.ok;
  });
  if (!result) throw new Error("bench: no result");
  return result;
}

/** The generated fabrics of FABRICSPEC_BENCH_SCALE, each written to reports/bench/NAME.yaml and loaded from there. */
function scaleDrivers(): LabDriver[] {
  const sizes = (env.FABRICSPEC_BENCH_SCALE ?? "2x4,4x16,8x32").split(",").filter((s) => s.trim() !== "").map(parseFabricSize);
  mkdirSync(join(REPORTS, "bench"), { recursive: true });
  return sizes.map((size) => {
    const file = join(REPORTS, "bench", `${fabricName(size)}.yaml`);
    writeFileSync(file, fabricYaml(size));
    return createDriver("netns", loadTopology(file), env);
  });
}

/** The files of `--topology FILE` (or `--topology=FILE`, repeatable) and FABRICSPEC_BENCH_TOPOLOGIES. */
function topologyFiles(args: readonly string[], fromEnv: string | undefined): string[] {
  const files = (fromEnv ?? "").split(",").map((f) => f.trim()).filter((f) => f !== "");
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--topology") {
      const file = args[++i];
      if (file === undefined || file.startsWith("--")) throw new UsageError("npm run bench: --topology needs a FILE");
      files.push(file);
    } else if (arg.startsWith("--topology=")) files.push(arg.slice("--topology=".length));
    else throw new UsageError(`npm run bench: unknown argument "${arg}" (usage: npm run bench -- [--topology FILE]...)`);
  }
  return files;
}

async function main(): Promise<number> {
  // Loaded (and so validated) before anything is built: a bad file is a usage error, nothing left behind.
  const given = topologyFiles(process.argv.slice(2), env.FABRICSPEC_BENCH_TOPOLOGIES).map((file) => createDriver("netns", loadTopology(file), env));
  const runs = count("FABRICSPEC_BENCH_RUNS", 5);
  const pairs = count("FABRICSPEC_BENCH_PAIRS", 3);
  const scaleRuns = count("FABRICSPEC_BENCH_SCALE_RUNS", 1);
  const driver = labFromEnvironment();
  if (given.length > 0 && driver.name !== "netns") throw new UsageError(`npm run bench: --topology benches the embedded lab (netns), not driver ${driver.name}`);
  const scale = driver.name === "netns" ? [...scaleDrivers(), ...given] : [];
  const start = loadavg();
  const fabrics: FabricResult[] = [await bench(driver, runs)];

  let acceptance: BenchResult["acceptance"];
  if (env.FABRICSPEC_BENCH_SUITE !== "0") {
    progress("one whole acceptance run (npm test without the install check)");
    const run = await timedChild(["scripts/run.mjs", "scripts/acceptance.ts"]);
    acceptance = { topology: driver.topology.name, ms: run.ms, exitCode: run.code };
  }

  let reference: BenchResult["reference"];
  const script = referenceScript();
  if (pairs === 0) reference = undefined;
  else if (driver.name !== "netns") reference = { skipped: `the reference is the embedded lab's; driver ${driver.name}` };
  else if (!script) reference = { skipped: "no reference script: set FABRICSPEC_BENCH_REFERENCE to one that prints 'converged: N s'" };
  else reference = await referenceRatio(script, pairs, progress);

  for (const fabric of scale) fabrics.push(await bench(fabric, scaleRuns));

  const result: BenchResult = {
    at: new Date().toISOString(),
    machine: { cores: availableParallelism(), cpu: cpus()[0]?.model.trim() ?? "?", memoryGiB: Math.round(totalmem() / 2 ** 30), loadAverage: { start, end: loadavg() } },
    driver: driver.name,
    fabrics,
    acceptance,
    reference,
  };
  process.stdout.write(`${benchTable(result)}\n`);
  mkdirSync(REPORTS, { recursive: true });
  writeFileSync(join(REPORTS, "bench.json"), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(REPORTS, "bench-scale.svg"), scaleChart(result));
  progress("written to reports/bench.json and reports/bench-scale.svg");
  return EXIT.ok;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(reportError(error)),
);
