import { test } from "node:test";
import assert from "node:assert/strict";
import { aptInstall, debianPackage, installHint } from "./packages.js";

test("a program's package, by its name or its path; each package once in an install command", () => {
  assert.equal(debianPackage("vtysh"), "frr");
  assert.equal(debianPackage("/usr/lib/frr/bgpd"), "frr");
  assert.equal(aptInstall(["zebra", "vtysh", "ping"]), "apt-get install -y frr iputils-ping");
  assert.equal(aptInstall(["/usr/sbin/sshd", "/usr/bin/nc"]), "apt-get install -y openssh-server netcat-openbsd");
});

test("a hint for a program we know; none for one we do not (and an unknown program stands for itself)", () => {
  assert.equal(installHint("traceroute"), "apt-get install -y traceroute");
  assert.equal(installHint("kubectl"), undefined);
  assert.equal(aptInstall(["sudo"]), "apt-get install -y sudo");
});
