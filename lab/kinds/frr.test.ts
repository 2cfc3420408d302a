import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeRunner } from "../probes/fake-runner.js";
import { configurePackaged, crashDaemon, daemonArgv, FRR_INSTALL, FRR_SWITCH, frrFiles, isFrrDaemonName, isFrrProgram, readyWhen, viaVtysh } from "./frr.js";
import { rewriting } from "./kind.js";

test("an FRR switch's own vtysh: pointed at its vty socket directory; any other command as it is", () => {
  assert.deepEqual(FRR_SWITCH.ownCommand(["vtysh", "-c", "show bgp summary json"], "/run/fabricspec/leaf1"), [
    "vtysh", "--vty_socket", "/run/fabricspec/leaf1", "-c", "show bgp summary json",
  ]);
  assert.deepEqual(FRR_SWITCH.ownCommand(["ip", "-j", "route"], "/run/fabricspec/leaf1"), ["ip", "-j", "route"]);
  assert.deepEqual(viaVtysh(["vtysh", "-c", "show version"], ["sudo", "-n", "vtysh"]), ["sudo", "-n", "vtysh", "-c", "show version"]);
});

test("the probes need vtysh and ip on a switch, besides a host's ping, fping and traceroute; FRR comes from Debian's frr", () => {
  assert.deepEqual(FRR_SWITCH.probeTools, ["vtysh", "ip", "ping", "fping", "traceroute"]);
  assert.equal(FRR_INSTALL, "apt-get install -y frr");
});

test("an embedded daemon starts daemonized with every file in its switch's directory, and no vty TCP port", () => {
  const files = frrFiles("/run/fabricspec/spine1");
  assert.deepEqual(daemonArgv("bgpd", files), [
    "/usr/lib/frr/bgpd", "-d",
    "-f", "/run/fabricspec/spine1/bgpd.conf",
    "-i", "/run/fabricspec/spine1/bgpd.pid",
    "-z", "/run/fabricspec/spine1/zserv.api",
    "--vty_socket", "/run/fabricspec/spine1",
    "-u", "frr", "-g", "frr",
    "-P", "0",
    "--log", "file:/run/fabricspec/spine1/frr.log",
  ]);
  assert.equal(readyWhen("zebra", files), "/run/fabricspec/spine1/zserv.api");
  assert.equal(readyWhen("bgpd", files), undefined);
  assert.ok(isFrrProgram("/usr/lib/frr/zebra -d -f x") && !isFrrProgram("sshd: /usr/sbin/sshd"));
});

test("packaged FRR: the integrated configuration through tee, then a restart; a crash is SIGKILL by name", () => {
  assert.deepEqual(configurePackaged("hostname leaf1\n"), [
    { argv: ["tee", "/etc/frr/frr.conf"], input: "hostname leaf1\n" },
    { argv: ["systemctl", "restart", "frr"] },
  ]);
  assert.deepEqual(crashDaemon("bgpd"), ["pkill", "-KILL", "-x", "bgpd"]);
  assert.ok(isFrrDaemonName("ospfd") && !isFrrDaemonName("bgpd; reboot") && !isFrrDaemonName("vtysh"));
});

test("a rewriting runner runs the node's own command and keeps the command as asked in the evidence", async () => {
  const inner = new FakeRunner("leaf1", { "vtysh --vty_socket /run/fabricspec/leaf1 -c 'show version'": { stdout: "FRRouting 8.4.4" } });
  const result = await rewriting(inner, (argv) => FRR_SWITCH.ownCommand(argv, "/run/fabricspec/leaf1")).run(["vtysh", "-c", "show version"]);
  assert.deepEqual([result.command, result.stdout], [["vtysh", "-c", "show version"], "FRRouting 8.4.4"]);
});
