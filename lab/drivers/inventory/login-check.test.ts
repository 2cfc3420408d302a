/**
 * What preflight says about a node's login: from scripted results, and end to end with the
 * inventory driver over real SSH to the transport's test server, whose login is noisy and slow.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadTopology } from "../../topology/load.js";
import type { CommandResult } from "../../transport/runner.js";
import { useTestServer } from "../../transport/ssh/fixtures/test-server.js";
import { SshPool } from "../../transport/ssh/pool.js";
import { parseInventory } from "./inventory.js";
import { InventoryDriver } from "./inventory-driver.js";
import { checkLogin, loginWarnings } from "./login-check.js";

const server = useTestServer();
const BASHRC_FIX = `make ~/.bashrc return early when not interactive: [ -z "$PS1" ] && return`;
const SLOW_FIX = "find what the shell's startup files wait for (time ssh USER@HOST true; pyenv, nvm and conda init are usual) and skip it when not interactive";

function noOp(result: Partial<CommandResult>): CommandResult {
  return { command: ["true"], exitCode: 0, stdout: "", stderr: "", durationMs: 40, ...result };
}

test("a quick, quiet login says nothing", () => {
  assert.deepEqual(loginWarnings(noOp({})), []);
  assert.deepEqual(loginWarnings(noOp({ durationMs: 1000, loginNoise: { stdout: "\n", stderr: "" } })), [], "1 s is not slower than 1 s; a blank line is no noise");
});

test("a login that prints: its first line, how much, and the fix for what printed it", () => {
  assert.deepEqual(loginWarnings(noOp({ loginNoise: { stdout: "Welcome to leaf1\n", stderr: "" } })), [
    { detail: `the login prints on a non-interactive command ("Welcome to leaf1", 1 line on stdout)`, fix: BASHRC_FIX },
  ]);
  assert.deepEqual(loginWarnings(noOp({ loginNoise: { stdout: "", stderr: "mesg: ttyname failed: Inappropriate ioctl for device\n" } })), [
    { detail: `the login prints on a non-interactive command ("mesg: ttyname failed: Inappropriate ioctl for device", 1 line on stderr)`, fix: "run terminal commands on a terminal only (in ~/.profile: tty -s && mesg n)" },
  ]);
  const long = `${"x".repeat(70)}\n`;
  assert.deepEqual(loginWarnings(noOp({ loginNoise: { stdout: `${long}${long}`, stderr: "stdin: is not a tty\n" } })), [
    {
      detail: `the login prints on a non-interactive command ("${"x".repeat(60)}...", 2 lines on stdout, 1 line on stderr)`,
      fix: `${BASHRC_FIX}; run terminal commands on a terminal only (in ~/.profile: tty -s && mesg n)`,
    },
  ]);
});

test("a slow login: how long a no-op takes, and where to look (with sudo, sudo too)", () => {
  assert.deepEqual(loginWarnings(noOp({ durationMs: 1400 })), [{ detail: "the login takes 1.4 s for a no-op command", fix: SLOW_FIX }]);
  assert.deepEqual(loginWarnings(noOp({ durationMs: 2000 }), true), [
    { detail: "the login takes 2 s for a no-op command (sudo -n -- true)", fix: `${SLOW_FIX}; with sudo, check that the node resolves its own host name` },
  ]);
});

test("a login that does not finish a no-op in time stalls every probe: a problem, not a warning", async () => {
  const check = await checkLogin({ run: async () => noOp({ exitCode: 124, durationMs: 20_000 }) }, { timeoutMs: 20_000 });
  assert.deepEqual(check.stalled, { detail: "a no-op command did not finish in 20 s: the login stalls", fix: SLOW_FIX });
  assert.deepEqual(check.warnings, []);
});

test("over SSH, a noisy and slow login is a warning per node in preflight, the run goes on, and no parser sees the noise", async () => {
  const topology = loadTopology();
  const names = [...topology.switches.map((s) => s.name), ...topology.hosts.map((h) => h.name)];
  // Every node is the test server (known as leaf1 in its known_hosts); leaf1's login prints and takes 1.1 s.
  const node = (name: string) => `  ${name}: { host: leaf1${name === "leaf1" ? `, proxyCommand: ${JSON.stringify(server.proxyCommand("noisy,slow:1100"))}` : ""} }\n`;
  const text = [
    "defaults:",
    `  identityFile: ${JSON.stringify(server.endpoint().identityFile)}`,
    `  knownHostsFile: ${JSON.stringify(server.endpoint().knownHostsFile)}`,
    `  proxyCommand: ${JSON.stringify(server.proxyCommand())}`,
    "nodes:",
    names.map(node).join(""),
  ].join("\n");
  const lab = new InventoryDriver(topology, parseInventory(text, "lab.yaml", topology), new SshPool());
  try {
    const said: string[] = [];
    await lab.up({ progress: (m) => said.push(m) });
    const [noisy, slow, ...more] = said.filter((m) => m.startsWith("warning: "));
    assert.equal(
      noisy,
      `warning: leaf1: the login prints on a non-interactive command ("Welcome to leaf1 (a motd script in ~/.bashrc)", 2 lines on stdout, 1 line on stderr); fix: ${BASHRC_FIX}; run terminal commands on a terminal only (in ~/.profile: tty -s && mesg n)`,
    );
    assert.match(slow ?? "", /^warning: leaf1: the login takes (1\.[1-9]|[2-9](\.\d)?) s for a no-op command; fix: find what/);
    assert.deepEqual(more, [], "only leaf1's login is noisy or slow");
    assert.match(said.at(-1) ?? "", /^inventory lab\.yaml: all 9 nodes reachable over SSH/);
    const json = await lab.runner("leaf1").run(["cat"], { input: '{"peers":[]}' });
    assert.deepEqual(JSON.parse(json.stdout), { peers: [] });
    assert.ok(json.durationMs >= 1100, `the slow login is paid by every command (${json.durationMs} ms)`);
  } finally {
    await lab.close();
  }
});
