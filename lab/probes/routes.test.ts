import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeRunner, fixture } from "./fake-runner.js";
import { kernelRoutes, KERNEL_ROUTES_COMMAND, normalizeDestination } from "./routes.js";

const ROUTES = "ip -j route show";

test("kernelRoutes: leaf1's table, ECMP to rack 2 and leaf2 over both spines", async () => {
  const runner = new FakeRunner("leaf1", { [ROUTES]: { stdout: fixture("iproute2-route-leaf1-ecmp.json") } });
  const { value, evidence } = await kernelRoutes(runner);
  assert.deepEqual(runner.calls.map((c) => c.argv), [KERNEL_ROUTES_COMMAND]);
  assert.equal(evidence.stdout, fixture("iproute2-route-leaf1-ecmp.json"));
  const bothSpines = [
    { gateway: "172.16.0.0", dev: "swp51" },
    { gateway: "172.16.0.4", dev: "swp52" },
  ];
  assert.deepEqual(value, [
    { dst: "10.0.101.0/24", protocol: "kernel", type: "unicast", nexthops: [{ gateway: undefined, dev: "bridge" }], metric: undefined, prefsrc: "10.0.101.1" },
    { dst: "10.0.102.0/24", protocol: "bgp", type: "unicast", nexthops: bothSpines, metric: 20, prefsrc: undefined },
    { dst: "172.16.0.0/31", protocol: "kernel", type: "unicast", nexthops: [{ gateway: undefined, dev: "swp51" }], metric: undefined, prefsrc: "172.16.0.1" },
    { dst: "172.16.0.4/31", protocol: "kernel", type: "unicast", nexthops: [{ gateway: undefined, dev: "swp52" }], metric: undefined, prefsrc: "172.16.0.5" },
    { dst: "172.16.255.1/32", protocol: "bgp", type: "unicast", nexthops: [{ gateway: "172.16.0.0", dev: "swp51" }], metric: 20, prefsrc: undefined },
    { dst: "172.16.255.2/32", protocol: "bgp", type: "unicast", nexthops: [{ gateway: "172.16.0.4", dev: "swp52" }], metric: 20, prefsrc: undefined },
    { dst: "172.16.255.102/32", protocol: "bgp", type: "unicast", nexthops: bothSpines, metric: 20, prefsrc: undefined },
  ]);
});

test("kernelRoutes: spine1 reaches spine2's loopback over both leaves (multipath-relax)", async () => {
  const runner = new FakeRunner("spine1", { [ROUTES]: { stdout: fixture("iproute2-route-spine1.json") } });
  const { value } = await kernelRoutes(runner);
  assert.deepEqual(
    value.map((r) => r.dst),
    ["10.0.101.0/24", "10.0.102.0/24", "172.16.0.0/31", "172.16.0.2/31", "172.16.255.2/32", "172.16.255.101/32", "172.16.255.102/32"],
  );
  assert.deepEqual(value.find((r) => r.dst === "172.16.255.2/32")?.nexthops, [
    { gateway: "172.16.0.1", dev: "swp1" },
    { gateway: "172.16.0.3", dev: "swp2" },
  ]);
  assert.deepEqual(value.find((r) => r.dst === "10.0.101.0/24")?.nexthops, [{ gateway: "172.16.0.1", dev: "swp1" }]);
});

test("kernelRoutes: a host's default route is 0.0.0.0/0 via its leaf, protocol boot (iproute2 prints none)", async () => {
  const runner = new FakeRunner("k8s-node-l1-1", { [ROUTES]: { stdout: fixture("iproute2-route-host-l1-1.json") } });
  const { value } = await kernelRoutes(runner);
  assert.deepEqual(value, [
    { dst: "0.0.0.0/0", protocol: "boot", type: "unicast", nexthops: [{ gateway: "10.0.101.1", dev: "eth0" }], metric: undefined, prefsrc: undefined },
    { dst: "10.0.101.0/24", protocol: "kernel", type: "unicast", nexthops: [{ gateway: undefined, dev: "eth0" }], metric: undefined, prefsrc: "10.0.101.101" },
  ]);
});

test("normalizeDestination: default and host routes in CIDR form", () => {
  assert.equal(normalizeDestination("default"), "0.0.0.0/0");
  assert.equal(normalizeDestination("172.16.255.1"), "172.16.255.1/32");
  assert.equal(normalizeDestination("10.0.101.0/24"), "10.0.101.0/24");
});

test("kernelRoutes: an empty table (no output at all) is an empty list", async () => {
  const { value } = await kernelRoutes(new FakeRunner("leaf1", { [ROUTES]: { stdout: "" } }));
  assert.deepEqual(value, []);
});

test("kernelRoutes: a failing ip is a ProbeError naming node, command and stderr", async () => {
  const runner = new FakeRunner("leaf1", {
    [ROUTES]: { exitCode: 1, stderr: 'Cannot open network namespace "fs-leaf1": No such file or directory\n' },
  });
  await assert.rejects(kernelRoutes(runner), {
    name: "ProbeError",
    message: 'leaf1: `ip -j route show` failed with exit code 1: Cannot open network namespace "fs-leaf1": No such file or directory',
  });
});

test("kernelRoutes: an ECMP leg without its device is a ProbeError with the path", async () => {
  const broken = fixture("iproute2-route-leaf1-ecmp.json").replace('"dev":"swp52","weight"', '"weight"');
  const runner = new FakeRunner("leaf1", { [ROUTES]: { stdout: broken } });
  await assert.rejects(kernelRoutes(runner), {
    name: "ProbeError",
    message: /^leaf1: `ip -j route show` printed JSON we cannot read: \[1\]\.nexthops\[1\]\.dev: /,
  });
});
