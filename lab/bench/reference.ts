/**
 * The yardstick: `npx fabricspec lab up` of the blog lab, the whole process as a person runs it,
 * against a plain shell script that brings up the same lab step by step (its own figure: start to
 * every session Established and every prefix installed). Taken pair by pair, A B A B, so that the
 * ratio holds while the machine's speed drifts.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Progress } from "../drivers/driver.js";
import { LabError } from "../errors.js";
import { PROJECT_ROOT } from "../project-root.js";
import { BLOG_TOPOLOGY } from "../topology/load.js";
import { stats, type ReferenceResult } from "./results.js";

/** The reference script: FABRICSPEC_BENCH_REFERENCE, else ../shared/bench/ref-lab.sh next to the repository. */
export function referenceScript(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = env.FABRICSPEC_BENCH_REFERENCE ? resolve(env.FABRICSPEC_BENCH_REFERENCE) : join(PROJECT_ROOT, "../shared/bench/ref-lab.sh");
  return existsSync(path) ? path : undefined;
}

interface Timed {
  readonly ms: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function timed(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ ms: Math.round(performance.now() - started), code, stdout, stderr }));
  });
}

function must(what: string, result: Timed): Timed {
  if (result.code !== 0) throw new LabError(`${what} exited ${result.code}:\n${`${result.stdout}${result.stderr}`.trim()}`);
  return result;
}

/** `pairs` pairs of (npx fabricspec lab up, then lab down) and (`script` time). Holds no lock itself: each lab up takes it. */
export async function referenceRatio(script: string, pairs: number, progress: Progress): Promise<ReferenceResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, FABRICSPEC_TOPOLOGY: BLOG_TOPOLOGY, FABRICSPEC_DRIVER: "netns" };
  delete env.FABRICSPEC_TRANSPORT;
  const results: ReferenceResult["pairs"][number][] = [];
  for (let pair = 1; pair <= pairs; pair++) {
    progress(`reference pair ${pair} of ${pairs}: npx fabricspec lab up, then ${script} time`);
    const up = must("npx fabricspec lab up", await timed("npx", ["fabricspec", "lab", "up"], env));
    // Someone else's lab came up meanwhile and this one reused it: it is not ours to time or remove.
    if (/already up/.test(up.stderr)) throw new LabError("a lab that another run started is up: the reference pairs stopped, and it was left running");
    const down = must("npx fabricspec lab down", await timed("npx", ["fabricspec", "lab", "down"], env));
    const reference = must(`${script} time`, await timed("bash", [script, "time"], env));
    const seconds = /converged:\s*([\d.]+)\s*s/.exec(reference.stdout)?.[1];
    if (seconds === undefined) throw new LabError(`${script} time printed no "converged: N s" line:\n${reference.stdout}`);
    const referenceMs = Math.round(Number(seconds) * 1000);
    results.push({ labUpMs: up.ms, labDownMs: down.ms, referenceMs, referenceWallMs: reference.ms, ratio: up.ms / referenceMs });
  }
  return { script, pairs: results, ratio: stats(results.map((p) => p.ratio)) };
}
