import { test } from "node:test";
import assert from "node:assert/strict";
import { birdArgv, birdFiles, CALICO_NODE, CALICO_NODE_INSTALL } from "./calico-node.js";

test("a Calico node's own birdc: pointed at its BIRD's control socket; any other command as it is", () => {
  assert.deepEqual(CALICO_NODE.ownCommand(["birdc", "show", "protocols", "all"], "/run/fabricspec/k8s-node-l1-1"), [
    "birdc", "-s", "/run/fabricspec/k8s-node-l1-1/bird.ctl", "show", "protocols", "all",
  ]);
  assert.deepEqual(CALICO_NODE.ownCommand(["vtysh", "-c", "x"], "/run/fabricspec/k8s-node-l1-1"), ["vtysh", "-c", "x"]);
});

test("BIRD starts with its configuration, control socket and PID file in the node's directory; bird2 and procps install it", () => {
  assert.deepEqual(birdArgv(birdFiles("/run/fabricspec/n")), [
    "/usr/sbin/bird", "-c", "/run/fabricspec/n/bird.conf", "-s", "/run/fabricspec/n/bird.ctl", "-P", "/run/fabricspec/n/bird.pid",
  ]);
  assert.equal(CALICO_NODE_INSTALL, "apt-get install -y bird2 procps");
});
