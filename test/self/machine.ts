/**
 * What the self-tests share: the machine's lab lock held for a whole test file, the inventory of
 * everything an embedded lab can leave behind, child processes with captured output, and tables.
 * Not a test file (scripts/unit.mjs runs only *.test.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pidsInNamespaces } from "../../lab/drivers/netns/processes.js";
import { readState } from "../../lab/drivers/netns/state.js";
import { acquireLock, isAlive, type Lock } from "../../lab/lock.js";
import { RUN_DIR } from "../../lab/run-dir.js";
import { runLocal } from "../../lab/transport/local.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Every namespace the embedded lab names is `fs-<node>` (lab/drivers/netns/plan.ts). */
const NAMESPACE_PREFIX = "fs-";
const FRR_DIR = "/usr/lib/frr/";

/**
 * Takes the machine's lab lock for a self-test file and checks that the machine has no lab: the
 * self-tests break labs on purpose, so they never work on a lab someone kept running.
 */
export async function holdMachine(what: string): Promise<Lock> {
  const lock = await acquireLock(RUN_DIR, `${what}, pid ${process.pid}`, (m) => process.stdout.write(`selftest: ${m}\n`));
  try {
    const state = readState();
    if (state?.keep) {
      throw new Error(
        `a ${state.topology} lab started by \`fabricspec lab up\` is running; the self-tests break labs on purpose and leave it alone: ` +
          "run `npx fabricspec lab down` first",
      );
    }
    return lock;
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** What an embedded lab can leave behind; every list empty when nothing is left. */
export interface Leftovers {
  /** `ip netns list` entries named fs-*. */
  readonly namespaces: readonly string[];
  /** "pid cmdline" of processes in those namespaces, and of any FRR daemon of a fabricspec run dir. */
  readonly processes: readonly string[];
  /** state.json, and anything else, in the run directory. */
  readonly runDir: readonly string[];
}

export async function leftovers(runDir: string = RUN_DIR): Promise<Leftovers> {
  const listed = await runLocal(["ip", "netns", "list"]);
  if (listed.exitCode !== 0) throw new Error(`ip netns list failed: ${listed.stderr.trim()}`);
  const namespaces = listed.stdout
    .split("\n")
    .map((line) => line.trim().split(/\s+/)[0] ?? "")
    .filter((name) => name.startsWith(NAMESPACE_PREFIX));
  const pids = new Set(pidsInNamespaces(namespaces));
  // A daemon whose namespace lost its name (deleted while it ran) is found by its command line.
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = commandLine(Number(entry));
    if (cmdline?.startsWith(FRR_DIR) && cmdline.includes("/run/fabricspec")) pids.add(Number(entry));
  }
  const processes = [...pids].filter(isAlive).map((pid) => `${pid} ${commandLine(pid) ?? "?"}`);
  const runDirEntries = existsSync(runDir) ? readdirSync(runDir) : [];
  return { namespaces, processes, runDir: runDirEntries };
}

export function countLeftovers(l: Leftovers): number {
  return l.namespaces.length + l.processes.length + l.runDir.length;
}

/** One line: namespaces by name, processes by PID and program, run-directory entries by name. */
export function describeLeftovers(l: Leftovers): string {
  if (countLeftovers(l) === 0) return "none";
  const program = (p: string) => {
    const [pid, binary] = p.split(" ");
    return `${pid}:${binary?.split("/").pop() ?? "?"}`;
  };
  const parts = [
    l.namespaces.length ? `${l.namespaces.length} namespaces (${l.namespaces.join(" ")})` : "",
    l.processes.length ? `${l.processes.length} processes (${l.processes.map(program).join(" ")})` : "",
    l.runDir.length ? `run dir: ${l.runDir.join(" ")}` : "",
  ];
  return parts.filter(Boolean).join(", ");
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    return undefined;
  }
}

/** A child process with its output captured and its end as a promise. */
export interface Child {
  readonly pid: number;
  readonly process: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  readonly output: () => string;
  /** The process has ended (its children, if any, may still hold its output open). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Its output has ended too: all of it is in output(). */
  readonly closed: Promise<void>;
}

/**
 * Starts `node ARGS` from the repository root (node itself, never through npx or npm, so that a
 * signal reaches the process that handles it). `group` puts it in a process group of its own,
 * whose members are the children it leaves behind once it has ended.
 */
export async function startNode(args: readonly string[], env: NodeJS.ProcessEnv, options: { group?: boolean } = {}): Promise<Child> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: options.group ?? false });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  await new Promise((resolve, reject) => child.once("spawn", resolve).once("error", reject));
  if (child.pid === undefined) throw new Error(`node ${args.join(" ")} did not start`);
  return { pid: child.pid, process: child, output: () => output, exited, closed };
}

/** Live processes of the process group `pgid` (a child started with `group`, and what it started). */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name, which is in parentheses and may hold spaces: state ppid pgrp ...
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && isAlive(Number(entry))) members.push(Number(entry));
    } catch {
      // Ended while we looked.
    }
  }
  return members;
}

/** A text table: one header row, then rows; columns as wide as their widest cell. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map(line)].join("\n");
}

/** Where the self-tests write their evidence (git-ignored, like every report). */
export const REPORT_DIR = join(ROOT, "reports", "selftest");
