#!/usr/bin/env node
/**
 * Runs the project's own tests with node:test and tsx; Node 20's `--test` takes no globs, so this
 * finds the files.
 *   node scripts/unit.mjs          unit tests (no lab): lab/**, support/**, scripts/**, test/** *.test.ts,
 *                                  except test/self/
 *   node scripts/unit.mjs --self   self-tests on the real lab: test/self/*.test.ts, one file at a
 *                                  time (they share the lab)
 * Exits with node's status: non-zero when a test fails.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const self = process.argv.includes("--self");

/** Every *.test.ts under `dir` (relative to the root), recursively or not. */
function tests(dir, recursive = true) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".test.ts"))
    .map((e) => relative(root, join(e.parentPath ?? e.path, e.name)))
    .filter((file) => !file.split("/").includes("node_modules"));
}

const files = self
  ? tests("test/self", false)
  : [...tests("lab"), ...tests("support"), ...tests("scripts"), ...tests("test").filter((f) => !f.startsWith("test/self/"))];
const kind = self ? "self-tests (test/self/*.test.ts)" : "unit tests";
if (files.length === 0) {
  console.log(`unit: no ${kind} found`);
  process.exit(0);
}
const args = ["--import", "tsx", "--test", ...(self ? ["--test-concurrency=1"] : []), ...files.sort()];
const run = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
process.exit(run.status ?? 1);
