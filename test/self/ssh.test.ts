/**
 * The SSH path, for real: the embedded lab with an OpenSSH server in every node's namespace
 * (FABRICSPEC_TRANSPORT=ssh), reached through `ip netns exec fs-NODE nc 127.0.0.1 22`, host keys
 * verified. The inventory driver runs the features against it; then, on the same lab, an
 * unreachable node, a refused login, a changed host key and an unreadable key each give one line
 * naming the node from preflight, before any scenario; a command timeout is exit 124; a connection
 * dropped mid-run is a clear broken error, and the next command reconnects.
 *
 * Holds the machine's lab lock for the whole file, and removes the lab in the end, whatever happens.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InventoryDriver } from "../../lab/drivers/inventory/inventory-driver.js";
import { loadInventory, parseInventory } from "../../lab/drivers/inventory/inventory.js";
import { commandLine, pidsInNamespaces } from "../../lab/drivers/netns/processes.js";
import {
  DEFAULT_LOGIN,
  LAB_KNOWN_HOSTS,
  LAB_LOGIN_FILES,
  LAB_SSH_OPTIONS,
  labEndpoint,
  NetnsSshDriver,
  renderLabPasswd,
  sshdFiles,
  sshdSpec,
  sshSessionCounts,
} from "../../lab/drivers/netns/sshd.js";
import { readState } from "../../lab/drivers/netns/state.js";
import { PreflightError } from "../../lab/errors.js";
import { isAlive, type Lock } from "../../lab/lock.js";
import { bgpSummary, kernelRoutes } from "../../lab/probes/index.js";
import { BLOG_TOPOLOGY, loadTopology } from "../../lab/topology/load.js";
import { runLocal } from "../../lab/transport/local.js";
import { SshConnection } from "../../lab/transport/ssh/connection.js";
import { SshError } from "../../lab/transport/ssh/errors.js";
import { countLeftovers, describeLeftovers, holdMachine, leftovers, REPORT_DIR, ROOT, startNode } from "./machine.js";

const EXAMPLE = join(ROOT, "lab", "inventory.example.yaml");
const topology = loadTopology(BLOG_TOPOLOGY);
const lab = new NetnsSshDriver(topology);
let lock: Lock | undefined;
let scratch = "";

before(async () => {
  lock = await holdMachine("selftest ssh");
  mkdirSync(REPORT_DIR, { recursive: true });
  scratch = mkdtempSync(join(tmpdir(), "fabricspec-selftest-ssh-"));
  await lab.up();
});

after(async () => {
  try {
    await lab.close();
    await lab.down();
    const found = await leftovers();
    const left = { ...found, runDir: found.runDir.filter((entry) => entry !== "lock") }; // ours, released below
    assert.equal(countLeftovers(left), 0, `the lab left: ${describeLeftovers(left)}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    lock?.release();
  }
});

/** Milliseconds `work` took. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

test("with FABRICSPEC_TRANSPORT=ssh every probe goes through the node's sshd, one connection per node", async () => {
  const before = sshSessionCounts(topology);
  const summary = await bgpSummary(lab.runner("leaf1"));
  assert.deepEqual(summary.value.peers.map((p) => `${p.address} ${p.state}`).sort(), ["172.16.0.0 Established", "172.16.0.4 Established"]);
  await kernelRoutes(lab.runner("leaf1"));
  await kernelRoutes(lab.runner("k8s-node-l1-1"));
  const after = sshSessionCounts(topology);
  assert.equal((after.leaf1 ?? 0) - (before.leaf1 ?? 0), 2, "two commands on leaf1, two sessions in its sshd's log");
  assert.equal((after["k8s-node-l1-1"] ?? 0) - (before["k8s-node-l1-1"] ?? 0), 1);
  assert.deepEqual(lab.sshStats().find((s) => s.node === "leaf1"), { node: "leaf1", connections: 1, sessions: 2 });
});

test("the inventory driver runs the features against the lab, host keys verified", async () => {
  const messages = join(REPORT_DIR, "ssh-inventory-messages.ndjson");
  rmSync(messages, { force: true });
  const before = sshSessionCounts(topology);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FABRICSPEC_TOPOLOGY: BLOG_TOPOLOGY,
    FABRICSPEC_DRIVER: "inventory",
    FABRICSPEC_INVENTORY: EXAMPLE,
    FABRICSPEC_MESSAGES: messages,
  };
  delete env.FABRICSPEC_TAGS;
  delete env.FABRICSPEC_TRANSPORT;
  // The selftest profile: the acceptance features without the @disruptive ones (tested below).
  const child = await startNode(["node_modules/@cucumber/cucumber/bin/cucumber.js", "--profile", "selftest"], env);
  const { code } = await child.exited;
  await child.closed;
  const statuses = scenarioStatuses(readFileSync(messages, "utf8"));
  const passed = statuses.filter((s) => s.status === "PASSED").length;
  const other = statuses.filter((s) => s.status !== "PASSED" && s.status !== "SKIPPED");
  assert.deepEqual(other, [], `scenarios that did not pass through the inventory driver:\n${child.output()}`);
  assert.equal(code, 0, child.output());
  assert.ok(passed >= 13, `only ${passed} scenarios passed`);
  const after = sshSessionCounts(topology);
  for (const sw of topology.switches) assert.ok((after[sw.name] ?? 0) > (before[sw.name] ?? 0), `${sw.name}'s sshd ran no command`);
});

test("a slow, noisy login is reported per node by the inventory's preflight, and no probe sees its noise", async () => {
  // The lab's login made like a real lab's can be: bash, whose ~/.bashrc (read for every command
  // over SSH) waits and prints. Rewritten in place: sshd reads its bound passwd at every login.
  const bashrc = join(LAB_LOGIN_FILES.home, ".bashrc");
  writeFileSync(LAB_LOGIN_FILES.passwd, renderLabPasswd(readFileSync("/etc/passwd", "utf8"), { shell: "/bin/bash" }));
  writeFileSync(bashrc, 'sleep 1.2\necho "Welcome to the fabric lab"\necho "stdin: is not a tty" >&2\n');
  const driver = new InventoryDriver(topology, loadInventory(EXAMPLE, topology));
  try {
    const checks = await driver.preflight();
    for (const node of [...topology.switches, ...topology.hosts].map((n) => n.name)) {
      const check = checks.find((c) => c.name === node);
      assert.ok(check?.ok, `${node}: ${check?.detail ?? "no check"}`);
      const said = (check.warnings ?? []).map((w) => `${w.detail}; fix: ${w.fix}`);
      assert.ok(said.some((w) => w.startsWith('the login prints on a non-interactive command ("Welcome to the fabric lab", 1 line on stdout, 1 line on stderr)')), `${node}: ${said.join(" | ")}`);
      assert.ok(said.some((w) => /^the login takes 1\.\d s for a no-op command; fix: /.test(w)), `${node}: ${said.join(" | ")}`);
    }
    const summary = await bgpSummary(lab.runner("leaf1"));
    assert.deepEqual(summary.value.peers.map((p) => p.address).sort(), ["172.16.0.0", "172.16.0.4"], "the JSON parses behind the noise");
  } finally {
    await driver.close();
    writeFileSync(LAB_LOGIN_FILES.passwd, renderLabPasswd(readFileSync("/etc/passwd", "utf8"), DEFAULT_LOGIN));
    rmSync(bashrc, { force: true });
  }
});

test("the inventory driver stops bgpd as a crash does (SIGKILL by its own PID file) and starts it again", async () => {
  const driver = new InventoryDriver(topology, loadInventory(EXAMPLE, topology));
  try {
    const pidFile = join("/run/fabricspec", "spine2", "bgpd.pid");
    const before = Number(readFileSync(pidFile, "utf8"));
    await driver.stopDaemon("spine2", "bgpd");
    assert.equal(isAlive(before), false);
    await driver.startDaemon("spine2", "bgpd");
    const after = Number(readFileSync(pidFile, "utf8"));
    assert.notEqual(after, before);
    assert.ok(isAlive(after) && commandLine(after)?.startsWith("/usr/lib/frr/bgpd"), "a new bgpd runs");
  } finally {
    await driver.close();
  }
});

test("a command that outlives its timeout is exit 124 within the timeout, not a hang; the connection stays usable", async () => {
  // (sshd is asked to KILL it, which OpenSSH does for any user but root: "session signalling
  // requires privilege separation". This one ends by itself 3 s later.)
  const runner = lab.runner("leaf1");
  const { value, ms } = await timed(() => runner.run(["sleep", "3"], { timeoutMs: 500 }));
  assert.equal(value.exitCode, 124);
  assert.ok(ms < 2000, `took ${Math.round(ms)} ms`);
  assert.equal((await runner.run(["true"])).exitCode, 0, "the connection is still usable");
});

test("a connection dropped mid-command is a broken result naming the node, never a hang; the next command reconnects", async () => {
  const connection = new SshConnection(labEndpoint("leaf2"), LAB_SSH_OPTIONS);
  try {
    await connection.connect();
    const running = connection.run(["sleep", "20"], { timeoutMs: 30_000 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    // The session's sshd process ("sshd: root@notty"), killed by its PID: the TCP connection ends.
    // Found as the parent of the running `sleep 20`: until the command runs, sshd's forked child
    // carries the same name, and a kill then lands before the session exists.
    let session: number[] = [];
    const deadline = performance.now() + 3000;
    while (session.length === 0 && performance.now() < deadline) {
      const sleeping = pidsInNamespaces(["fs-leaf2"]).filter((pid) => commandLine(pid) === "sleep 20");
      session = sleeping.map(parentOf).filter((pid): pid is number => pid !== undefined && (commandLine(pid)?.startsWith("sshd: root@notty") ?? false));
      if (session.length === 0) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(session.length, 1, "one SSH session on leaf2 running `sleep 20`");
    const { value: error, ms } = await timed(async () => {
      process.kill(session[0] ?? 0, "SIGKILL");
      return running;
    });
    assert.ok(error instanceof SshError, `expected an SshError, got ${String(error)}`);
    assert.equal(error.message, "leaf2: the SSH connection dropped while `sleep 20` ran");
    assert.ok(ms < 3000, `took ${Math.round(ms)} ms`);
    assert.equal((await connection.run(["true"])).exitCode, 0);
    assert.equal(connection.connections, 2, "reconnected once");
  } finally {
    await connection.close();
  }
});

test("unreachable, refused, changed host key, unreadable key: one line per node from preflight, before any scenario", async () => {
  // leaf2's host key changes, as when a switch is reinstalled: a new key, its sshd restarted by PID.
  const files = sshdFiles("leaf2");
  const old = readState()?.processes.find((p) => p.node === "leaf2" && p.daemon === "sshd");
  assert.ok(old, "leaf2's sshd is recorded");
  rmSync(files.hostKey, { force: true });
  rmSync(`${files.hostKey}.pub`, { force: true });
  const keygen = await runLocal(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", files.hostKey]);
  assert.equal(keygen.exitCode, 0, keygen.stderr);
  await lab.context().stopProcess(old);
  await lab.context().spawnDaemon(sshdSpec("leaf2"));
  const newFingerprint = (await runLocal(["ssh-keygen", "-lf", `${files.hostKey}.pub`])).stdout.split(" ")[1];
  const oldFingerprint = (await runLocal(["ssh-keygen", "-lf", LAB_KNOWN_HOSTS, "-F", "leaf2"])).stdout.match(/SHA256:\S+/)?.[0];
  // spine2 logs in with a key nobody authorized; spine1's key file does not exist; leaf1's proxy
  // connects to a port where nothing listens.
  const stranger = join(scratch, "stranger");
  assert.equal((await runLocal(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger])).exitCode, 0);
  const bad = readFileSync(EXAMPLE, "utf8")
    .replace("  leaf1: {}", `  leaf1: { proxyCommand: [ip, netns, exec, "fs-%n", nc, 127.0.0.1, "2222"] }`)
    .replace("  spine2: {}", `  spine2: { identityFile: ${stranger} }`)
    .replace("  spine1: {}", `  spine1: { identityFile: ${join(scratch, "absent")} }`);
  const badFile = join(scratch, "inventory.yaml");
  writeFileSync(badFile, bad);

  const driver = new InventoryDriver(topology, parseInventory(bad, badFile, topology));
  try {
    const { value: error, ms } = await timed(() => driver.up().then(() => undefined, (e: unknown) => e));
    assert.ok(error instanceof PreflightError, `expected a PreflightError, got ${String(error)}`);
    assert.ok(ms < 15_000, `preflight took ${Math.round(ms)} ms`);
    writeFileSync(join(REPORT_DIR, "ssh-preflight.txt"), `${error.message}\n`);
    const lines = error.message.split("\n");
    assert.equal(lines[0], `the lab of inventory ${badFile} is not ready (4 of 9 nodes):`);
    const line = (node: string) => lines.find((l) => l.startsWith(`  ${node}: `)) ?? `(no line for ${node})`;
    assert.match(line("spine1"), new RegExp(`^  spine1: cannot read the identity file ${escape(join(scratch, "absent"))} \\(ENOENT\\); fix: `));
    assert.match(line("spine2"), new RegExp(`^  spine2: authentication refused for root \\(tried key ${escape(stranger)}\\) at root@spine2:22 through its proxy command; fix: authorize`));
    assert.match(line("leaf1"), /^ {2}leaf1: unreachable: the proxy command exited \(1\) before the SSH handshake \(`ip netns exec fs-leaf1 nc 127\.0\.0\.1 2222`\); fix: /);
    assert.equal(
      line("leaf2").split("; fix:")[0],
      `  leaf2: host key mismatch: it presented ssh-ed25519 ${newFingerprint}, ${LAB_KNOWN_HOSTS} expects ssh-ed25519 ${oldFingerprint} for leaf2`,
    );
    assert.equal(lines.length, 5, "one line per node that is not ready, and only those");
  } finally {
    await driver.close();
  }

  // What `npm test` does with it: stops with those lines and exit 3 (broken), and runs no scenario.
  // Its own run directory, so that its lab lock is not the one this test holds.
  const env: NodeJS.ProcessEnv = { ...process.env, FABRICSPEC_TOPOLOGY: BLOG_TOPOLOGY, FABRICSPEC_DRIVER: "inventory", FABRICSPEC_INVENTORY: badFile, FABRICSPEC_RUN_DIR: join(scratch, "run") };
  delete env.FABRICSPEC_TRANSPORT;
  const child = await startNode(["--import", "tsx", "scripts/acceptance.ts"], env);
  const { code } = await child.exited;
  await child.closed;
  const output = child.output();
  assert.equal(code, 3, output);
  assert.match(output, /is not ready \(4 of 9 nodes\):\n {2}spine1: .*\n {2}spine2: .*\n {2}leaf1: .*\n {2}leaf2: host key mismatch/);
  assert.doesNotMatch(output, /\d+ scenarios? \(/, "no scenario ran");
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The worst step status of each scenario that ran, from cucumber's messages. */
function scenarioStatuses(ndjson: string): Array<{ name: string; status: string }> {
  const order = ["UNKNOWN", "PASSED", "SKIPPED", "PENDING", "UNDEFINED", "AMBIGUOUS", "FAILED"];
  const pickles = new Map<string, string>();
  const cases = new Map<string, string>();
  const started = new Map<string, string>();
  const worst = new Map<string, string>();
  for (const line of ndjson.split("\n")) {
    if (!line.trim()) continue;
    const m = JSON.parse(line) as {
      pickle?: { id: string; name: string };
      testCase?: { id: string; pickleId: string };
      testCaseStarted?: { id: string; testCaseId: string };
      testStepFinished?: { testCaseStartedId: string; testStepResult: { status: string } };
    };
    if (m.pickle) pickles.set(m.pickle.id, m.pickle.name);
    if (m.testCase) cases.set(m.testCase.id, m.testCase.pickleId);
    if (m.testCaseStarted) started.set(m.testCaseStarted.id, m.testCaseStarted.testCaseId);
    const step = m.testStepFinished;
    if (step) {
      const previous = worst.get(step.testCaseStartedId) ?? "UNKNOWN";
      if (order.indexOf(step.testStepResult.status) > order.indexOf(previous)) worst.set(step.testCaseStartedId, step.testStepResult.status);
    }
  }
  return [...started].map(([id, caseId]) => ({ name: pickles.get(cases.get(caseId) ?? "") ?? id, status: worst.get(id) ?? "UNKNOWN" }));
}

/** The parent PID of a process, from /proc. */
function parentOf(pid: number): number | undefined {
  try {
    const ppid = /^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return ppid === undefined ? undefined : Number(ppid);
  } catch {
    return undefined;
  }
}
