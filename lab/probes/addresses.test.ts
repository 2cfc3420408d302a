import { test } from "node:test";
import assert from "node:assert/strict";
import { parseInterfaceAddresses } from "./addresses.js";
import { fixture } from "./fake-runner.js";

const result = (stdout: string) => ({ command: ["ip"], exitCode: 0, stdout, stderr: "", durationMs: 1 });

test("parseInterfaceAddresses: each IPv4 address with its interface (iproute2 6.1's JSON)", () => {
  assert.deepEqual(parseInterfaceAddresses(result(fixture("iproute2-6.1-addr-show-4-lo.json"))), [{ interface: "lo", address: "127.0.0.1" }]);
  const two = JSON.stringify([
    { ifname: "eth0", addr_info: [{ family: "inet", local: "10.0.2.15", prefixlen: 24 }] },
    { ifname: "eth1", addr_info: [{ family: "inet", local: "10.0.101.101", prefixlen: 24 }, { family: "inet6", local: "fe80::1" }] },
    { ifname: "cali0", addr_info: [] },
  ]);
  assert.deepEqual(parseInterfaceAddresses(result(two)), [
    { interface: "eth0", address: "10.0.2.15" },
    { interface: "eth1", address: "10.0.101.101" },
  ]);
  assert.deepEqual(parseInterfaceAddresses(result("")), []);
});
