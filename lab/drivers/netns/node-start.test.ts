import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { nodeStartScript } from "./node-start.js";

const spec = { node: "host-l1-1", name: "bird", argv: ["/usr/sbin/bird", "-c", "/run/fabricspec/host-l1-1/bird.conf"], pidFile: "/run/fabricspec/host-l1-1/bird.pid" };

test("nodeStartScript: sysctls, the node's addresses, then each batch in its own namespace or the node's, then the daemons", () => {
  const script = nodeStartScript(
    {
      node: "host-l1-1",
      dir: "/run/fabricspec/host-l1-1",
      script: "calico",
      sysctls: ["net.ipv4.ip_forward=1"],
      addressLines: ["link set cali0123456789a up"],
      batches: [
        { program: "ip", namespace: "fs-pod-host-l1-1", lines: ["link set lo up"], what: "address pod pod-host-l1-1" },
        { program: "bridge", lines: ["fdb append 00:00:00:00:00:00 dev vxlan.calico dst 10.128.1.11"], what: "add vxlan.calico's forwarding entries" },
      ],
      daemons: [{ spec }],
    },
    5000,
  );
  const order = ["sysctl -qw", "-batch - <<'FABRICSPEC_IP'", "-n fs-pod-host-l1-1 -batch", "bridge -batch", "/usr/sbin/bird"].map((needle) => script.indexOf(needle));
  assert.ok(order.every((at) => at >= 0), script);
  assert.deepEqual([...order].sort((a, b) => a - b), order, "in this order");
  assert.match(script, /sh calico\.sh/);
  // A quote in a batch's description cannot end the shell's string.
  assert.match(script, /fail 'could not add vxlan\.calico'\\''s forwarding entries'/);
  execFileSync("sh", ["-n", "-c", script]); // parses as POSIX shell
});
