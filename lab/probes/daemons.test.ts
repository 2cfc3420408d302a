import { test } from "node:test";
import assert from "node:assert/strict";
import { frrDaemons, parseFrrDaemons } from "./daemons.js";
import { FakeRunner, fixture } from "./fake-runner.js";

const result = (stdout: string, exitCode = 0, stderr = "") => ({ command: ["vtysh"], exitCode, stdout, stderr, durationMs: 1 });

test("frrDaemons: the daemons vtysh reaches, by name", async () => {
  const { value } = await frrDaemons(new FakeRunner("spine2", { "vtysh -c 'show daemons'": { stdout: " zebra bgpd staticd\n" } }));
  assert.deepEqual(value, { reachable: true, running: ["zebra", "bgpd", "staticd"] });
  assert.deepEqual(parseFrrDaemons(result("")), { reachable: true, running: [] });
});

test("parseFrrDaemons: vtysh reaching no daemon is a value saying why, not an error", () => {
  assert.deepEqual(parseFrrDaemons(result("", 1, fixture("vtysh-no-daemons.stderr"))), { reachable: false, reason: fixture("vtysh-no-daemons.stderr").trim() });
  assert.deepEqual(parseFrrDaemons(result("", 124)), { reachable: false, reason: "exit 124" });
});
