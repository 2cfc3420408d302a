/**
 * The login shell's noise is cut off: by real shells (sh and bash run the line the transport
 * sends, behind startup output of their own), and over SSH against the scripted test server
 * whose login prints, as rc files and motd scripts do.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { SshConnection } from "./connection.js";
import { useTestServer } from "./fixtures/test-server.js";
import { cutLoginNoise, remoteCommand } from "./login-shell.js";

const server = useTestServer();
const MARK = "\x1efabricspec\x1e";

test("the line sent prints a marker on stdout and on stderr, then execs the quoted argv (behind sudo -n -- with sudo)", () => {
  assert.equal(remoteCommand(["vtysh", "-c", "show bgp summary json"], false), `printf '\\036fabricspec\\036'; printf '\\036fabricspec\\036' >&2; exec vtysh -c 'show bgp summary json'`);
  assert.equal(remoteCommand(["true"], true), `printf '\\036fabricspec\\036'; printf '\\036fabricspec\\036' >&2; exec sudo -n -- true`);
});

test("everything up to the first marker of each stream is the login's noise; a stream without its marker is kept as it came", () => {
  const cut = (stdout: string, stderr: string) => cutLoginNoise(Buffer.from(stdout), Buffer.from(stderr));
  assert.deepEqual(cut(`Welcome\n${MARK}[]\n`, `stdin: is not a tty\n${MARK}warning\n`), {
    stdout: "[]\n",
    stderr: "warning\n",
    loginNoise: { stdout: "Welcome\n", stderr: "stdin: is not a tty\n" },
  });
  assert.deepEqual(cut(`${MARK}out ${MARK}\n`, MARK), { stdout: `out ${MARK}\n`, stderr: "" }, "a quiet login leaves no noise; only the first marker is cut");
  assert.deepEqual(cut("This account is currently not available.\n", ""), { stdout: "This account is currently not available.\n", stderr: "" });
  assert.deepEqual(cut(`motd\n${MARK}ok\n`, "-bash: /root/.bashrc: Permission denied\n"), {
    stdout: "ok\n",
    stderr: "-bash: /root/.bashrc: Permission denied\n",
    loginNoise: { stdout: "motd\n", stderr: "" },
  });
});

for (const shell of ["/bin/sh", "/bin/bash"].filter((s) => existsSync(s))) {
  test(`${shell} runs the line as the login shell would: the noise before it is cut, the command's output and exit status are its own`, () => {
    const noisyRc = `echo 'Welcome to leaf1'; echo 'stdin: is not a tty' >&2; `;
    const ran = spawnSync(shell, ["-c", noisyRc + remoteCommand(["sh", "-c", `echo '{"peers":[]}'; echo oops >&2; exit 3`], false)]);
    const output = cutLoginNoise(ran.stdout, ran.stderr);
    assert.deepEqual(JSON.parse(output.stdout), { peers: [] });
    assert.equal(output.stderr, "oops\n");
    assert.deepEqual(output.loginNoise, { stdout: "Welcome to leaf1\n", stderr: "stdin: is not a tty\n" });
    assert.equal(ran.status, 3);
    const missing = spawnSync(shell, ["-c", remoteCommand(["/nonexistent/vtysh"], false)]);
    assert.equal(missing.status, 127, "a command the shell cannot find is 127, as before");
  });
}

test("over SSH, a noisy login never reaches what parsers read: it is kept aside on the result", async () => {
  const connection = new SshConnection(server.endpoint({}, "noisy"));
  try {
    const json = await connection.run(["cat"], { input: '{"peers":[]}\n' });
    assert.deepEqual(JSON.parse(json.stdout), { peers: [] });
    assert.equal(json.stderr, "");
    assert.deepEqual(json.loginNoise, { stdout: "Welcome to leaf1 (a motd script in ~/.bashrc)\nLast login: never\n", stderr: "stdin: is not a tty\n" });
    const echoed = await connection.run(["vtysh", "-c", "show version"]);
    assert.equal(echoed.stdout, "vtysh -c 'show version'\n");
    assert.equal(echoed.stderr, "stderr\n");
  } finally {
    await connection.close();
  }
});

test("over SSH, a quiet login leaves no noise, and a login that fails before the marker keeps its output as it is", async () => {
  const quiet = new SshConnection(server.endpoint());
  const refused = new SshConnection(server.endpoint({}, "nologin"));
  try {
    const result = await quiet.run(["true"]);
    assert.equal(result.stdout, "true\n");
    assert.equal("loginNoise" in result, false);
    const failed = await refused.run(["true"]);
    assert.equal(failed.exitCode, 1);
    assert.equal(failed.stdout, "This account is currently not available.\n");
    assert.equal("loginNoise" in failed, false);
  } finally {
    await quiet.close();
    await refused.close();
  }
});
