/**
 * The lab never leaks. `fabricspec lab up` and `npm test` (the node command of package.json's
 * script) are interrupted at random moments with SIGINT, SIGTERM or SIGKILL; after
 * `fabricspec lab down` nothing of the lab may be left: no fs-* namespace, no process in one, no
 * FRR daemon of a fabricspec run directory, nothing in the run directory. SIGINT and SIGTERM must not even need the `lab down`:
 * the interrupted command removes what it built. Two `lab up` at once: the second waits for the
 * lab lock, then reuses the lab.
 *
 * The commands run as child processes with their own run directory (FABRICSPEC_RUN_DIR), so that
 * their lab lock is theirs, while this test holds the machine's lab lock for its whole run: no
 * other fabricspec run builds a lab (or is counted as a leftover) meanwhile.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { LabState } from "../../lab/drivers/netns/state.js";
import { labFromEnvironment } from "../../lab/drivers/registry.js";
import type { Budget } from "../../lab/expect/budgets.js";
import { eventually } from "../../lab/expect/eventually.js";
import type { Lock } from "../../lab/lock.js";
import { RUN_DIR } from "../../lab/run-dir.js";
import { BLOG_TOPOLOGY } from "../../lab/topology/load.js";
import {
  countLeftovers,
  describeLeftovers,
  groupMembers,
  holdMachine,
  leftovers,
  REPORT_DIR,
  ROOT,
  startNode,
  table,
  type Child,
  type Leftovers,
} from "./machine.js";

/** The commands' own run directory: state, configs, sockets and their lab lock. */
const CHILD_RUN_DIR = join(dirname(RUN_DIR), "fabricspec-selftest");

const env: NodeJS.ProcessEnv = { ...process.env, FABRICSPEC_RUN_DIR: CHILD_RUN_DIR, FABRICSPEC_TOPOLOGY: BLOG_TOPOLOGY };
delete env.FABRICSPEC_TAGS;

/**
 * `npm test` as node runs it: the last command of package.json's "test" script (those before it
 * install what it needs), without npm in between.
 */
function npmTest(): string[] {
  const script = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.test ?? "";
  const [program, ...args] = (script.split("&&").pop() ?? "").trim().split(/\s+/);
  assert.equal(program, "node", `package.json's test script does not end with a node command: ${script}`);
  return args;
}

/** Each command as node runs it: signals go to the process that handles them, not to npm or npx. */
const COMMANDS = {
  "lab up": ["bin/fabricspec.mjs", "lab", "up"],
  "npm test": npmTest(),
} as const;
type Command = keyof typeof COMMANDS;
const SIGNALS = ["SIGINT", "SIGTERM", "SIGKILL"] as const;
type Signal = (typeof SIGNALS)[number];

const ITERATIONS = 8;
/** Interrupt within this long after the start: from node's start-up to well into the bring-up. */
const MAX_DELAY_MS = 2_500;

/** How long each wait may take. */
const BUDGETS = {
  /** An interrupted command removes its lab (SIGTERM, then SIGKILL after 2 s, to each daemon) and exits. */
  exit: { name: "interrupted_exit", ms: 30_000, reason: "lab down (daemons get 2 s to stop) and exit", intervalMs: 50 },
  /** What a killed command started (its dry run, its cucumber run) runs on briefly without it. */
  orphans: { name: "orphans_end", ms: 30_000, reason: "an orphaned dry run or cucumber run ending by itself", intervalMs: 50 },
  /** `fabricspec lab down` (or a `lab up` that finds a lab built) from start to exit. */
  command: { name: "lab_command", ms: 60_000, reason: "node start-up, the lab lock, bring-up or teardown", intervalMs: 50 },
  /** A bring-up reaching a given phase: start-up, dry run (npm test), bring-up (about 2 s). */
  phase: { name: "bring_up_phase", ms: 30_000, reason: "node start-up, dry run and bring-up", intervalMs: 5 },
} satisfies Record<string, Budget>;

/** mulberry32: a small seeded PRNG, so that a failing sequence can be replayed (FABRICSPEC_SEED). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function childState(): LabState | undefined {
  try {
    return JSON.parse(readFileSync(join(CHILD_RUN_DIR, "state.json"), "utf8")) as LabState;
  } catch {
    return undefined;
  }
}

/** Resolves with the child's exit, or fails (and kills it) once the budget is spent. */
async function exitOf(child: Child, budget: Budget): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      process.kill(child.pid, "SIGKILL");
      reject(new Error(`pid ${child.pid} did not exit within ${budget.ms} ms (${budget.name}: ${budget.reason})\n${child.output()}`));
    }, budget.ms);
  });
  try {
    const { code, signal } = await Promise.race([child.exited, timeout]);
    return signal ?? String(code);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits until nothing the child started runs any more (its process group is empty); returns how
 * many were still running when it exited. Kills them, by PID, if they outlive the budget.
 */
async function orphansOf(child: Child): Promise<number> {
  const first = groupMembers(child.pid).length;
  try {
    await eventually(async () => {
      const members = groupMembers(child.pid);
      if (members.length > 0) throw new Error(`processes of pid ${child.pid}'s group still run: ${members.join(", ")}`);
    }, BUDGETS.orphans);
  } catch (error) {
    for (const pid of groupMembers(child.pid)) process.kill(pid, "SIGKILL");
    throw error;
  }
  return first;
}

/** `fabricspec lab down` on the children's run directory; must succeed. */
async function labDown(): Promise<void> {
  const down = await startNode(["bin/fabricspec.mjs", "lab", "down"], env);
  const exit = await exitOf(down, BUDGETS.command);
  await down.closed;
  assert.equal(exit, "0", `fabricspec lab down failed:\n${down.output()}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------

let lock: Lock | undefined;
const tables: Record<string, unknown> = {};
/** The self-cleaning cases as measured, for the table at the end. */
const selfCleaning: Array<{ command: string; signal: string; moment: string; exit: string; orphans: number; left: string }> = [];

before(async () => {
  lock = await holdMachine("selftest interrupts");
  // Leftovers of a crashed run in the machine's run directory (nobody else holds the lock: its
  // owner is gone), then of an earlier self-test in the children's.
  await labFromEnvironment({ ...process.env, FABRICSPEC_TOPOLOGY: BLOG_TOPOLOGY }).down();
  if (existsSync(join(CHILD_RUN_DIR, "state.json"))) await labDown();
  rmSync(CHILD_RUN_DIR, { recursive: true, force: true });
  const found = await leftovers(CHILD_RUN_DIR);
  assert.equal(countLeftovers(found), 0, `the machine is not clean before the self-test: ${describeLeftovers(found)}`);
});

after(async () => {
  try {
    if (existsSync(join(CHILD_RUN_DIR, "state.json"))) await labDown();
  } finally {
    rmSync(CHILD_RUN_DIR, { recursive: true, force: true });
    lock?.release();
    mkdirSync(REPORT_DIR, { recursive: true });
    if (selfCleaning.length > 0) {
      process.stdout.write(
        `\n${table(
          ["command", "signal", "interrupted at", "exit", "orphans", "left behind (no lab down)"],
          selfCleaning.map((r) => [r.command, r.signal, r.moment, r.exit, String(r.orphans), r.left]),
        )}\n`,
      );
      tables.selfCleaning = selfCleaning;
    }
    const file = join(REPORT_DIR, "interrupts.json");
    writeFileSync(file, `${JSON.stringify(tables, null, 2)}\n`);
    process.stdout.write(`interrupt tables: ${relative(ROOT, file)}\n`);
  }
});

// ---------------------------------------------------------------------------------------------

interface Iteration {
  readonly n: number;
  readonly command: Command;
  readonly signal: Signal;
  readonly delayMs: number;
  /** The lab's phase when the signal went out ("-": none yet; "exited": the command had ended). */
  readonly phase: string;
  /** Exit code, or the signal that ended it. */
  readonly exit: string;
  /** Processes of its own still running when it exited. */
  readonly orphans: number;
  /** What the command left by itself (before `lab down`). */
  readonly leftByItself: string;
  /** What was left after `lab down`. */
  readonly leftovers: Leftovers;
}

test(`interrupted at random ${ITERATIONS} times, then \`lab down\`: nothing of the lab is left`, async () => {
  const seed = Number(process.env.FABRICSPEC_SEED ?? Math.floor(Math.random() * 2 ** 32));
  process.stdout.write(`interrupts: seed ${seed} (FABRICSPEC_SEED=${seed} replays this sequence)\n`);
  const random = prng(seed);
  // Every command with every signal once, then random ones; in a random order.
  const pairs: Array<[Command, Signal]> = (Object.keys(COMMANDS) as Command[]).flatMap((c) => SIGNALS.map((s): [Command, Signal] => [c, s]));
  while (pairs.length < ITERATIONS) pairs.push([random() < 0.5 ? "lab up" : "npm test", SIGNALS[Math.floor(random() * 3)] ?? "SIGKILL"]);
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pairs[i], pairs[j]] = [pairs[j] as [Command, Signal], pairs[i] as [Command, Signal]];
  }

  const iterations: Iteration[] = [];
  try {
    for (const [index, [command, signal]] of pairs.slice(0, ITERATIONS).entries()) {
      const delayMs = Math.round(random() * MAX_DELAY_MS);
      const child = await startNode(COMMANDS[command], env, { group: true });
      const due = await Promise.race([child.exited.then(() => false), sleep(delayMs).then(() => true)]);
      const phase = due ? (childState()?.phase ?? "-") : "exited";
      if (due) process.kill(child.pid, signal);
      const exit = await exitOf(child, BUDGETS.exit);
      const orphans = await orphansOf(child);
      const byItself = await leftovers(CHILD_RUN_DIR);
      await labDown();
      iterations.push({
        n: index + 1,
        command,
        signal,
        delayMs,
        phase,
        exit,
        orphans,
        leftByItself: countLeftovers(byItself) === 0 ? "nothing" : `${byItself.namespaces.length} ns, ${byItself.processes.length} proc, ${byItself.runDir.length} files`,
        leftovers: await leftovers(CHILD_RUN_DIR),
      });
    }
  } finally {
    process.stdout.write(
      `\n${table(
        ["#", "command", "signal", "delay", "phase at signal", "exit", "orphans", "left by itself", "leftovers after lab down"],
        iterations.map((it) => [
          String(it.n),
          it.command,
          it.signal,
          `${it.delayMs} ms`,
          it.phase,
          it.exit,
          String(it.orphans),
          it.leftByItself,
          describeLeftovers(it.leftovers),
        ]),
      )}\n`,
    );
    tables.random = { seed, iterations };
  }
  for (const it of iterations) {
    assert.equal(countLeftovers(it.leftovers), 0, `iteration ${it.n} (${it.command}, ${it.signal} after ${it.delayMs} ms) left: ${describeLeftovers(it.leftovers)}`);
  }
});

/** Where in its run a command is interrupted, by the lab's state that its children record. */
interface Moment {
  readonly name: string;
  readonly reached: (state: LabState | undefined, child: Child) => boolean;
}
const MOMENTS = {
  recorded: { name: "bring-up: the lab recorded, no daemon started yet", reached: (s, c) => s?.ownerPid === c.pid && s.processes.length === 0 },
  daemons: { name: "bring-up: daemons starting", reached: (s, c) => s?.ownerPid === c.pid && s.phase === "building" && s.processes.length >= 4 },
  converging: { name: "bring-up: every daemon started, converging", reached: (s, c) => s?.ownerPid === c.pid && s.phase === "building" && s.processes.length >= 12 },
  testing: { name: "the lab up, cucumber running", reached: (s, c) => s?.ownerPid === c.pid && s.phase === "up" },
} satisfies Record<string, Moment>;

const SELF_CLEANING: ReadonlyArray<{ command: Command; signal: "SIGINT" | "SIGTERM"; moment: Moment }> = [
  { command: "lab up", signal: "SIGINT", moment: MOMENTS.recorded },
  { command: "lab up", signal: "SIGTERM", moment: MOMENTS.daemons },
  { command: "npm test", signal: "SIGINT", moment: MOMENTS.converging },
  { command: "npm test", signal: "SIGTERM", moment: MOMENTS.testing },
];

for (const { command, signal, moment } of SELF_CLEANING) {
  test(`${command}, ${signal} at "${moment.name}": it removes what it built, without \`lab down\``, async () => {
    const child = await startNode(COMMANDS[command], env, { group: true });
    let exit: string;
    let left: Leftovers;
    try {
      await eventually(async () => {
        if (!moment.reached(childState(), child)) throw new Error(`${command} (pid ${child.pid}) did not reach "${moment.name}"\n${child.output()}`);
      }, BUDGETS.phase);
      process.kill(child.pid, signal);
      exit = await exitOf(child, BUDGETS.exit);
      const orphans = await orphansOf(child);
      left = await leftovers(CHILD_RUN_DIR);
      selfCleaning.push({ command, signal, moment: moment.name, exit, orphans, left: describeLeftovers(left) });
    } finally {
      if (existsSync(join(CHILD_RUN_DIR, "state.json"))) await labDown();
    }
    assert.equal(exit, signal === "SIGINT" ? "130" : "143", `the exit code of its signal handler\n${child.output()}`);
    assert.equal(countLeftovers(left), 0, `left behind: ${describeLeftovers(left)}\n${child.output()}`);
  });
}

test("two `lab up` at once: the second waits for the lab, then reuses it; one `lab down` removes it", async () => {
  const [a, b] = await Promise.all([startNode(COMMANDS["lab up"], env, { group: true }), startNode(COMMANDS["lab up"], env, { group: true })]);
  try {
    const exits = await Promise.all([exitOf(a, BUDGETS.command), exitOf(b, BUDGETS.command)]);
    await Promise.all([a.closed, b.closed]);
    assert.deepEqual(exits, ["0", "0"], `both exit 0:\n--- ${a.pid}\n${a.output()}\n--- ${b.pid}\n${b.output()}`);
    const waited = [a, b].filter((c) => c.output().includes("waiting for the lab"));
    assert.equal(waited.length, 1, `exactly one waits for the lab:\n--- ${a.pid}\n${a.output()}\n--- ${b.pid}\n${b.output()}`);
    const [second] = waited;
    const first = second === a ? b : a;
    assert.match(second?.output() ?? "", new RegExp(`waiting for the lab: pid ${first.pid} is using it`));
    assert.match(second?.output() ?? "", /already up/);
    assert.match(first.output(), /up and converged/);
    assert.doesNotMatch(first.output(), /waiting for the lab|already up/);
    tables.concurrent = { first: first.output().trim().split("\n"), second: second?.output().trim().split("\n") };
    process.stdout.write(`\nfirst lab up (pid ${first.pid}):\n  ${first.output().trim().split("\n").join("\n  ")}\n`);
    process.stdout.write(`second lab up (pid ${second?.pid}):\n  ${second?.output().trim().split("\n").join("\n  ")}\n`);
  } finally {
    await labDown();
  }
  const left = await leftovers(CHILD_RUN_DIR);
  assert.equal(countLeftovers(left), 0, `one lab down left: ${describeLeftovers(left)}`);
});
