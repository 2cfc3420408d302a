/**
 * The inventory driver's judgement, with scripted connections (the real thing, over real sshd in
 * the embedded lab, is test/self/ssh.test.ts): what preflight says per node, that up() stops with
 * one line per node, what stopDaemon and startDaemon run.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PreflightError } from "../../errors.js";
import { loadTopology } from "../../topology/load.js";
import type { CommandResult, RunOptions } from "../../transport/runner.js";
import type { SshEndpoint } from "../../transport/ssh/endpoint.js";
import { SshError } from "../../transport/ssh/errors.js";
import { parseInventory } from "./inventory.js";
import { InventoryDriver, type ConnectionPool, type NodeConnection } from "./inventory-driver.js";

const blog = loadTopology();
const NODES = ["spine1", "spine2", "leaf1", "leaf2", "k8s-master-l1-1", "k8s-node-l1-1", "k8s-node-l1-2", "k8s-node-l2-1", "k8s-node-l2-2"];

type Script = (argv: readonly string[]) => Partial<CommandResult>;
interface Behaviour {
  readonly connect?: () => Promise<void>;
  readonly run?: Script;
}

/** A pool whose connections behave as scripted per node; records every command. */
function fakePool(behaviour: Record<string, Behaviour> = {}): ConnectionPool & { readonly ran: string[]; closed: number } {
  const ran: string[] = [];
  const pool = {
    ran,
    closed: 0,
    connection(endpoint: SshEndpoint): NodeConnection {
      const b = behaviour[endpoint.node] ?? {};
      return {
        connect: b.connect ?? (async () => {}),
        async run(argv: readonly string[], _options?: RunOptions): Promise<CommandResult> {
          ran.push(`${endpoint.node}$ ${argv.join(" ")}`);
          return { command: argv, exitCode: 0, stdout: "", stderr: "", durationMs: 1, ...(b.run?.(argv) ?? {}) };
        },
      };
    },
    async close() {
      pool.closed++;
    },
  };
  return pool;
}

function driver(pool: ConnectionPool, defaults = "  identityFile: ~/.ssh/lab\n"): InventoryDriver {
  const text = `defaults:\n${defaults}nodes:\n${NODES.map((n) => `  ${n}: {}\n`).join("")}`;
  return new InventoryDriver(blog, parseInventory(text, "lab.yaml", blog), pool);
}

const fail = (failure: SshError["failure"], detail: string) => async () => {
  throw new SshError("x", failure, detail);
};

test("a lab where every node answers with its tools passes preflight, and up() builds nothing", async () => {
  const pool = fakePool();
  const lab = driver(pool);
  const checks = await lab.preflight();
  assert.deepEqual(checks.filter((c) => !c.ok), []);
  assert.equal(checks.find((c) => c.name === "leaf1")?.detail, "reachable as root@leaf1:22");
  const up = await lab.up();
  assert.equal(up.reused, true, "nothing to tear down");
  assert.ok(pool.ran.includes("leaf1$ vtysh -c show version"), "a switch's vtysh must reach FRR");
  assert.ok(!pool.ran.some((c) => c.startsWith("k8s-node-l1-1$ vtysh")), "hosts run no FRR");
  assert.deepEqual(await lab.down(), []);
  assert.equal(pool.closed, 1);
});

test("preflight says, one line per node, every problem with its fix, and up() stops before any scenario", async () => {
  const pool = fakePool({
    spine1: { connect: fail("unreachable", "unreachable: the proxy command exited (1) before the SSH handshake") },
    spine2: { connect: fail("host-key", "host key mismatch: it presented ssh-ed25519 SHA256:new, known_hosts expects ssh-ed25519 SHA256:old for spine2") },
    leaf1: { connect: fail("auth", "authentication refused for root (tried key /k)") },
    leaf2: {
      run: (argv) =>
        argv[0] === "sh"
          ? { stdout: "missing:traceroute\n" }
          : argv[0] === "vtysh"
            ? { exitCode: 1, stderr: "Exiting: failed to connect to any daemons.\n" }
            : {},
    },
    "k8s-node-l2-2": { run: (argv) => (argv[0] === "sh" ? { stdout: "missing:ping\nmissing:traceroute\n" } : {}) },
  });
  const lab = driver(pool);
  const bad = (await lab.preflight()).filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
  assert.deepEqual(bad, [
    "spine1: unreachable: the proxy command exited (1) before the SSH handshake",
    "spine2: host key mismatch: it presented ssh-ed25519 SHA256:new, known_hosts expects ssh-ed25519 SHA256:old for spine2",
    "leaf1: authentication refused for root (tried key /k)",
    "leaf2: missing traceroute; vtysh does not reach FRR: Exiting: failed to connect to any daemons.",
    "k8s-node-l2-2: missing ping, traceroute",
  ]);
  await assert.rejects(lab.up(), (error: unknown) => {
    assert.ok(error instanceof PreflightError);
    const lines = error.message.split("\n");
    assert.equal(lines[0], "the lab of inventory lab.yaml is not ready (5 of 9 nodes):");
    assert.equal(lines.length, 6, "one line per node");
    assert.match(lines[1] ?? "", /^ {2}spine1: unreachable: .*; fix: check host, port and proxyCommand\/jump/);
    assert.match(lines[2] ?? "", /^ {2}spine2: host key mismatch: .*; fix: if the node was reinstalled/);
    assert.match(lines[3] ?? "", /^ {2}leaf1: authentication refused .*; fix: authorize the inventory's key/);
    assert.match(lines[4] ?? "", /^ {2}leaf2: missing traceroute; vtysh does not reach FRR: .*; fix: install traceroute \(Debian: apt-get install -y traceroute; .*set sudo: true$/);
    return true;
  });
});

test("with sudo, a sudo that wants a password is named, with the sudoers fix", async () => {
  const pool = fakePool({ leaf1: { run: (argv) => (argv[0] === "true" ? { exitCode: 1, stderr: "sudo: a password is required\n" } : {}) } });
  const lab = driver(pool, "  identityFile: ~/.ssh/lab\n  sudo: true\n  user: cumulus\n");
  const leaf1 = (await lab.preflight()).find((c) => c.name === "leaf1");
  assert.equal(leaf1?.detail, "sudo -n fails: sudo: a password is required");
  assert.equal(leaf1?.fix, "let cumulus run commands without a password (a sudoers NOPASSWD rule)");
});

test("status: up when every node answers, degraded when some do not, always naming the topology", async () => {
  const lab = driver(fakePool({ leaf2: { connect: fail("timeout", "connection timed out after 15 s") } }));
  const status = await lab.status();
  assert.equal(status.state, "degraded");
  assert.equal(status.topology, "blog");
  assert.deepEqual(status.nodes.find((n) => n.name === "leaf2"), { name: "leaf2", kind: "switch", up: false, detail: "connection timed out after 15 s" });
});

test("runner: vtysh becomes the inventory's vtysh command on switches only; the evidence keeps the probe's argv", async () => {
  const pool = fakePool();
  const lab = driver(pool, "  identityFile: ~/.ssh/lab\n  vtysh: [vtysh, --vty_socket, /run/fabricspec/%n]\n");
  const result = await lab.runner("leaf1").run(["vtysh", "-c", "show bgp summary json"]);
  assert.deepEqual(result.command, ["vtysh", "-c", "show bgp summary json"]);
  await lab.runner("k8s-node-l1-1").run(["vtysh", "-c", "x"]);
  assert.deepEqual(pool.ran, ["leaf1$ vtysh --vty_socket /run/fabricspec/leaf1 -c show bgp summary json", "k8s-node-l1-1$ vtysh -c x"]);
  assert.throws(() => lab.runner("leaf9"), /unknown node "leaf9". Nodes in topology "blog": spine1, spine2/);
});

test("pidfile control: SIGKILL by the PID in the daemon's own PID file, then the configured start command", async () => {
  let alive = true;
  const pool = fakePool({
    spine1: {
      run: (argv) => {
        if (argv[0] === "cat") return { stdout: "4242\n" };
        if (argv[0] === "kill" && argv[1] === "-KILL") alive = false;
        if (argv[0] === "kill" && argv[1] === "-0") return { exitCode: alive ? 0 : 1 };
        return {};
      },
    },
  });
  const lab = driver(pool, "  identityFile: ~/.ssh/lab\n  frr: { control: pidfile, pidDir: /run/fabricspec/%n, start: [/usr/lib/frr/%d, -d, -i, /run/fabricspec/%n/%d.pid] }\n");
  await lab.stopDaemon("spine1", "bgpd");
  await lab.startDaemon("spine1", "bgpd");
  assert.deepEqual(pool.ran, [
    "spine1$ cat /run/fabricspec/spine1/bgpd.pid",
    "spine1$ kill -KILL 4242",
    "spine1$ kill -0 4242",
    "spine1$ /usr/lib/frr/bgpd -d -i /run/fabricspec/spine1/bgpd.pid",
  ]);
  await assert.rejects(lab.stopDaemon("k8s-node-l1-1", "bgpd"), /unknown switch "k8s-node-l1-1"/);
  await assert.rejects(lab.stopDaemon("spine1", "bgpd; reboot"), /is not an FRR daemon name/);
});

test("systemd control (FRR under watchfrr): the frr service is stopped and started", async () => {
  const pool = fakePool();
  const lab = driver(pool, "  identityFile: ~/.ssh/lab\n  sudo: true\n");
  await lab.stopDaemon("spine1", "bgpd");
  await lab.startDaemon("spine1", "bgpd");
  assert.deepEqual(pool.ran, ["spine1$ systemctl stop frr", "spine1$ systemctl start frr"]);
});
