#!/usr/bin/env node
/**
 * Runs one of the project's TypeScript entry points as compiled JavaScript, building dist/ first
 * when the sources changed (scripts/build.mjs):
 *   node scripts/run.mjs scripts/acceptance.ts [ARGS...]     what `npm test` runs
 * The module sees the process as if node had run its compiled file (process.argv[1]), and stack
 * traces name the .ts sources. Node builtins only; no tsx at run time.
 */
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { DIST, ensureBuilt, ROOT } from "./build.mjs";

/** Builds what is stale, then imports the compiled `source` (a .ts path relative to the repository). */
export async function run(source, log = (message) => process.stderr.write(`${message}\n`)) {
  process.setSourceMapsEnabled(true);
  ensureBuilt({ log: (message) => log(`build: ${message}`) });
  const compiled = join(DIST, relative(ROOT, join(ROOT, source)).replace(/\.ts$/, ".js"));
  process.argv[1] = compiled;
  await import(pathToFileURL(compiled).href);
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const [source] = process.argv.slice(2);
  if (source === undefined) {
    process.stderr.write("usage: node scripts/run.mjs FILE.ts [ARGS...]\n");
    process.exit(2);
  }
  process.argv.splice(2, 1); // the module's own arguments follow its name, as under node FILE
  await run(source);
}
