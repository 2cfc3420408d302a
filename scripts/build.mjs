#!/usr/bin/env node
/**
 * The build: the TypeScript of lab/, steps/, support/ and scripts/ compiled to JavaScript in dist/
 * (git-ignored), so that the fabricspec command, `npm test`, `npm run dryrun` and `npm run bench`
 * run plain JavaScript and never compile at start-up. Unit and self-tests run the sources with tsx.
 *
 *   node scripts/build.mjs           build what changed (when nothing did: silent, milliseconds)
 *   node scripts/build.mjs --force   rebuild everything
 *   import { ensureBuilt } from "./build.mjs"   the same, from scripts/run.mjs and cucumber.mjs
 *
 * - Each file is compiled on its own by TypeScript's transpileModule (tsconfig.json sets
 *   isolatedModules, so `npm run typecheck` proves that this is exact): a one-file change
 *   recompiles one file. Type errors do not stop a build, as they never stopped tsx;
 *   `npm run typecheck` judges types.
 * - Source maps name the .ts sources: with source maps on (scripts/run.mjs and cucumber.mjs turn
 *   them on), stack traces and cucumber's step locations say `steps/bgp.steps.ts:12`, not dist/.
 * - Everything else in those folders (topologies, Calico resources, the Vagrantfile, fixtures) is
 *   linked into dist/ where the compiled code looks for it (`new URL("../topologies/blog.yaml",
 *   import.meta.url)`). A folder with no code to compile is one symlink to the source folder, so
 *   what runs there (vagrant's .vagrant/) stays in the source tree; edits to data need no build.
 * - Staleness: the stamp (dist/.build.json) holds the size and mtime of every source file and
 *   folder (a folder's mtime moves when an entry comes or goes) and of the compiler's inputs; a
 *   build is due when any differs. Node builtins only; typescript is loaded only when something is
 *   to be compiled, so the check costs a few milliseconds.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Where the compiled tree goes. */
export const DIST = join(ROOT, "dist");
const SOURCES = ["lab", "steps", "support", "scripts"];
/** Files whose change changes every output: the compiler's settings, its version, this script. */
const INPUTS = ["tsconfig.json", "package-lock.json", "scripts/build.mjs"];
/** Bump when the output's form changes, so that every clone rebuilds once. */
const FORMAT = 1;

const isCompiled = (name) => name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts");
const isSkipped = (name) => name.startsWith(".") || name === "node_modules";
const outputOf = (dist, source) => join(dist, source.replace(/\.ts$/, ".js"));

/** The source tree as the build sees it: files to compile, entries to link, and what was seen of each. */
function scan(root) {
  const compile = [];
  const link = [];
  const seen = {};
  const note = (path) => {
    const s = statSync(join(root, path));
    seen[path] = [s.size, Math.round(s.mtimeMs)];
  };
  const hasCode = (dir) =>
    readdirSync(join(root, dir), { withFileTypes: true }).some(
      (e) => !isSkipped(e.name) && (e.isDirectory() ? hasCode(join(dir, e.name)) : isCompiled(e.name)),
    );
  const walk = (dir) => {
    note(dir);
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (isSkipped(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (hasCode(path)) walk(path);
        else link.push(path);
      } else if (isCompiled(entry.name)) {
        compile.push(path);
        note(path);
      } else if (!entry.name.endsWith(".test.ts")) {
        link.push(path);
      }
    }
  };
  for (const dir of SOURCES) if (existsSync(join(root, dir))) walk(dir);
  for (const file of INPUTS) if (existsSync(join(root, file))) note(file);
  return { compile, link, seen };
}

function readStamp(stamp) {
  try {
    const parsed = JSON.parse(readFileSync(stamp, "utf8"));
    return parsed.format === FORMAT ? parsed.seen : undefined;
  } catch {
    return undefined;
  }
}

const same = (a, b) => (a === undefined && b === undefined) || (a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1]);

/** A name next to `path` for this process's half-written file (prune leaves *.tmp alone). */
const temporaryOf = (path) => `${path}.${process.pid}.tmp`;

/** Writes `text` to `path` atomically: a concurrent reader sees the old file or the new one. */
function writeAtomic(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(temporaryOf(path), text);
  renameSync(temporaryOf(path), path);
}

function linkAtomic(path, target) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = temporaryOf(path);
  rmSync(temporary, { force: true });
  symlinkSync(target, temporary);
  try {
    renameSync(temporary, path);
  } catch (error) {
    // rename cannot put a link over a real folder (one whose last code file went): remove it first.
    if (!["EISDIR", "ENOTEMPTY", "EEXIST"].includes(error.code)) throw error;
    rmSync(path, { recursive: true, force: true });
    renameSync(temporary, path);
  }
}

function linkOf(path) {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/** tsconfig.json's compiler options, for one module at a time. */
function compilerOptions(ts, root) {
  const { config, error } = ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile);
  if (error) throw new Error(`tsconfig.json: ${ts.flattenDiagnosticMessageText(error.messageText, "\n")}`);
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions ?? {}, root);
  // ESNext: NodeNext needs the whole program to tell ESM from CommonJS; this package is all ESM.
  return { ...options, noEmit: false, sourceMap: true, inlineSources: false, declaration: false, module: ts.ModuleKind.ESNext };
}

function compileOne(ts, options, root, dist, source) {
  const output = outputOf(dist, source);
  const name = source.split("/").pop();
  const result = ts.transpileModule(readFileSync(join(root, source), "utf8"), { compilerOptions: options, fileName: name, reportDiagnostics: false });
  const map = JSON.parse(result.sourceMapText);
  // Relative to the map, which sits next to the output: a moved clone still maps.
  map.sources = [relative(dirname(output), join(root, source))];
  writeAtomic(`${output}.map`, `${JSON.stringify(map)}\n`);
  writeAtomic(output, result.outputText);
}

/** Removes from dist/ what no source accounts for; never follows a link into the sources. */
function prune(dir, keep) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (keep.has(path) || entry.name.endsWith(".tmp")) continue;
    if (entry.isDirectory()) {
      prune(path, keep);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
    } else {
      rmSync(path, { force: true });
    }
  }
}

/**
 * Builds dist/ when the sources changed since the last build. Returns how many files it compiled
 * (0: it was up to date) and how long it took.
 * @param {{ force?: boolean, log?: (message: string) => void, root?: string, dist?: string }} [options]
 */
export function ensureBuilt(options = {}) {
  const started = performance.now();
  const root = options.root ?? ROOT;
  const dist = options.dist ?? join(root, "dist");
  const stamp = join(dist, ".build.json");
  const current = scan(root);
  const previous = (options.force ? undefined : readStamp(stamp)) ?? {};
  const differs = (path) => !same(previous[path], current.seen[path]);
  const everything = INPUTS.some(differs);
  const stale = current.compile.filter((f) => everything || differs(f) || !existsSync(outputOf(dist, f)));
  const moved = Object.keys(current.seen).some(differs) || Object.keys(previous).length !== Object.keys(current.seen).length;
  if (stale.length === 0 && !moved) return { compiled: 0, ms: Math.round(performance.now() - started) };

  if (stale.length > 0) {
    const ts = createRequire(import.meta.url)("typescript"); // only now: it takes half a second to load
    const compiler = compilerOptions(ts, root);
    for (const source of stale) compileOne(ts, compiler, root, dist, source);
  }
  const keep = new Set([stamp]);
  for (const source of current.compile) keep.add(outputOf(dist, source)).add(`${outputOf(dist, source)}.map`);
  for (const path of current.link) {
    const at = join(dist, path);
    const target = relative(dirname(at), join(root, path));
    if (linkOf(at) !== target) linkAtomic(at, target);
    keep.add(at);
  }
  prune(dist, keep);
  writeAtomic(stamp, `${JSON.stringify({ format: FORMAT, seen: current.seen })}\n`);
  const ms = Math.round(performance.now() - started);
  if (stale.length > 0) options.log?.(`compiled ${stale.length} TypeScript file${stale.length === 1 ? "" : "s"} to ${relative(root, dist) || "."}/ (${ms} ms)`);
  return { compiled: stale.length, ms };
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const result = ensureBuilt({ force: process.argv.includes("--force"), log: (m) => console.log(`build: ${m}`) });
  if (result.compiled === 0) console.log("build: dist/ is up to date");
}
