/**
 * The SSH path does not depend on the machine's login shell. Reproduces a machine whose root login
 * stalls (as this image's `pyenv init` in /root/.bashrc can, for 60 s) without touching the
 * machine's files: `npm test` with FABRICSPEC_TRANSPORT=ssh runs in a mount namespace of its own
 * (`unshare --mount --propagation slave`: no mount there reaches the machine) in which /etc/passwd
 * gives root a bash login and a home whose ~/.bashrc sleeps 60 s and prints. Debian's bash reads
 * ~/.bashrc for every command that comes over SSH, so a lab that used root's own login would take
 * 60 s per probe; the lab's sshd uses the lab's own login, and the whole suite passes.
 *
 * The run takes the machine's lab lock itself (scripts/acceptance.ts), like any `npm test`.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readState } from "../../lab/drivers/netns/state.js";
import { countLeftovers, describeLeftovers, leftovers, ROOT } from "./machine.js";

let scratch = "";

before(() => {
  const state = readState();
  assert.ok(!state?.keep, `a ${state?.topology} lab started by \`fabricspec lab up\` is running: run \`npx fabricspec lab down\` first`);
  scratch = mkdtempSync(join(tmpdir(), "fabricspec-selftest-login-"));
});

after(() => rmSync(scratch, { recursive: true, force: true }));

/** /etc/passwd as the stalling machine has it: root's login is bash, its home `home`. */
function stallingPasswd(home: string): string {
  const lines = readFileSync("/etc/passwd", "utf8").split("\n").filter((l) => l.trim() !== "" && !l.startsWith("root:"));
  return `${[`root:x:0:0:root:${home}:/bin/bash`, ...lines].join("\n")}\n`;
}

/** Runs argv in a private mount namespace where `passwd` is bound over /etc/passwd; resolves with its exit code and output. */
function inStallingMachine(passwd: string, argv: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string; ms: number }> {
  const started = performance.now();
  const script = 'mount --bind "$1" /etc/passwd && shift && exec "$@"';
  const child = spawn("unshare", ["--mount", "--propagation", "slave", "--", "/bin/sh", "-c", script, "stalling-machine", passwd, ...argv], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output, ms: Math.round(performance.now() - started) }));
  });
}

test("FABRICSPEC_TRANSPORT=ssh npm test passes on a machine whose root login stalls for 60 s", async () => {
  const home = join(scratch, "root-home");
  mkdirSync(home, { mode: 0o700 });
  writeFileSync(join(home, ".bashrc"), 'echo "root\'s ~/.bashrc: waiting for a lock" >&2\nsleep 60\necho "Welcome to this machine"\n');
  const passwd = join(scratch, "passwd");
  writeFileSync(passwd, stallingPasswd(home));
  chmodSync(passwd, 0o644);

  // The control: in that namespace, root's login really is the stalling one.
  const seen = await inStallingMachine(passwd, ["getent", "passwd", "root"], process.env);
  assert.equal(seen.code, 0, seen.output);
  assert.equal(seen.output.trim(), `root:x:0:0:root:${home}:/bin/bash`);

  const env: NodeJS.ProcessEnv = { ...process.env, FABRICSPEC_TRANSPORT: "ssh" };
  delete env.FABRICSPEC_TAGS;
  delete env.FABRICSPEC_TOPOLOGY;
  delete env.FABRICSPEC_DRIVER;
  const run = await inStallingMachine(passwd, [process.execPath, "--import", "tsx", "scripts/acceptance.ts"], env);
  process.stdout.write(`selftest: FABRICSPEC_TRANSPORT=ssh npm test under a stalling root login: exit ${run.code} in ${(run.ms / 1000).toFixed(1)} s\n`);
  assert.equal(run.code, 0, run.output);
  const summary = run.output.match(/^(\d+) scenarios? \(([^)]*)\)$/m);
  assert.ok(summary, `no scenario summary in:\n${run.output}`);
  assert.doesNotMatch(summary[2] ?? "", /failed|undefined|ambiguous|pending/, summary[0]);
  assert.match(summary[2] ?? "", /\d+ passed/);
  assert.match(run.output, /the lab's own login: \/bin\/sh/);
  const left = await leftovers();
  assert.equal(countLeftovers({ ...left, runDir: left.runDir.filter((e) => e !== "lock") }), 0, `the run left: ${describeLeftovers(left)}`);
});
