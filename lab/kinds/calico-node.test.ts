import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { PROJECT_ROOT } from "../project-root.js";
import { BIRD_HOME, birdArgv, birdFiles, CALICO_NODE, CALICO_NODE_INSTALL } from "./calico-node.js";

test("a Calico node's own birdc: BIRD 1.6's client, pointed at its BIRD's control socket; any other command as it is", () => {
  assert.deepEqual(CALICO_NODE.ownCommand(["birdc", "show", "protocols", "all"], "/run/fabricspec/k8s-node-l1-1"), [
    "/var/cache/fabricspec/bird-1.6/usr/sbin/birdc", "-s", "/run/fabricspec/k8s-node-l1-1/bird.ctl", "show", "protocols", "all",
  ]);
  assert.deepEqual(CALICO_NODE.ownCommand(["vtysh", "-c", "x"], "/run/fabricspec/k8s-node-l1-1"), ["vtysh", "-c", "x"]);
});

test("BIRD 1.6 starts from the cache with its configuration, control socket and PID file in the node's directory", () => {
  assert.deepEqual(birdArgv(birdFiles("/run/fabricspec/n")), [
    "/var/cache/fabricspec/bird-1.6/usr/sbin/bird", "-c", "/run/fabricspec/n/bird.conf", "-s", "/run/fabricspec/n/bird.ctl", "-P", "/run/fabricspec/n/bird.pid",
  ]);
  assert.equal(CALICO_NODE_INSTALL, "apt-get install -y procps; node scripts/bootstrap.mjs --deb (unpacks BIRD 1.6 into /var/cache/fabricspec/bird-1.6)");
});

test("the bootstrap unpacks BIRD 1.6 where the kind runs it", () => {
  const bootstrap = readFileSync(`${PROJECT_ROOT}/scripts/bootstrap.mjs`, "utf8");
  assert.match(bootstrap, new RegExp(`bird: \\{ dir: "${BIRD_HOME}", files: \\["usr/sbin/bird", "usr/sbin/birdc"\\]`));
});
