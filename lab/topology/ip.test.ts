import { test } from "node:test";
import assert from "node:assert/strict";
import { contains, ipToNumber, isIpv4, isNetworkOrBroadcast, networkOf, numberToIp, parseCidr } from "./ip.js";

test("isIpv4: dotted quads only, octets 0..255, no leading zeros", () => {
  for (const ok of ["0.0.0.0", "10.0.101.1", "172.16.255.101", "255.255.255.255"]) assert.equal(isIpv4(ok), true, ok);
  for (const bad of ["", "10.0.101", "10.0.101.1.1", "256.0.0.1", "10.0.101.01", "10.0.101.-1", "10.0.101.a", " 10.0.101.1", "10..101.1", "10.0.101.1/32"]) {
    assert.equal(isIpv4(bad), false, bad);
  }
});

test("ipToNumber and numberToIp: the whole range, both ways", () => {
  assert.equal(ipToNumber("0.0.0.0"), 0);
  assert.equal(ipToNumber("0.0.1.0"), 256);
  assert.equal(ipToNumber("255.255.255.255"), 2 ** 32 - 1);
  assert.equal(numberToIp(2 ** 32 - 1), "255.255.255.255");
  for (const ip of ["0.0.0.0", "172.16.0.7", "10.0.102.254", "255.255.255.255"]) assert.equal(numberToIp(ipToNumber(ip)), ip);
});

test("parseCidr: address and prefix length 0..32; undefined when malformed", () => {
  assert.deepEqual(parseCidr("172.16.0.0/31"), { address: "172.16.0.0", prefixLength: 31 });
  assert.deepEqual(parseCidr("0.0.0.0/0"), { address: "0.0.0.0", prefixLength: 0 });
  assert.deepEqual(parseCidr("172.16.255.1/32"), { address: "172.16.255.1", prefixLength: 32 });
  // The host part may be set: a link end is written as its own address with the subnet's length.
  assert.deepEqual(parseCidr("172.16.0.5/31"), { address: "172.16.0.5", prefixLength: 31 });
  for (const bad of ["172.16.0.0", "172.16.0.0/", "172.16.0.0/33", "172.16.0.0/100", "172.16.0.0/-1", "172.16.0.0/3a", "172.16.0/24", "172.16.0.0/24/1", "/24", ""]) {
    assert.equal(parseCidr(bad), undefined, bad);
  }
});

test("networkOf: clears the host bits, keeps the length", () => {
  assert.equal(networkOf({ address: "10.0.101.77", prefixLength: 24 }), "10.0.101.0/24");
  assert.equal(networkOf({ address: "172.16.0.7", prefixLength: 31 }), "172.16.0.6/31");
  assert.equal(networkOf({ address: "172.16.0.7", prefixLength: 30 }), "172.16.0.4/30");
  assert.equal(networkOf({ address: "172.16.255.1", prefixLength: 32 }), "172.16.255.1/32");
  assert.equal(networkOf({ address: "255.255.255.255", prefixLength: 0 }), "0.0.0.0/0");
  assert.equal(networkOf({ address: "255.255.255.255", prefixLength: 1 }), "128.0.0.0/1");
});

test("contains: the subnet's bounds, whatever host bits the CIDR was written with", () => {
  const rack = { address: "10.0.101.1", prefixLength: 24 };
  assert.equal(contains(rack, "10.0.101.0"), true);
  assert.equal(contains(rack, "10.0.101.255"), true);
  assert.equal(contains(rack, "10.0.100.255"), false);
  assert.equal(contains(rack, "10.0.102.0"), false);
  const link = { address: "172.16.0.5", prefixLength: 31 };
  assert.equal(contains(link, "172.16.0.4"), true);
  assert.equal(contains(link, "172.16.0.6"), false);
  assert.equal(contains({ address: "172.16.255.1", prefixLength: 32 }, "172.16.255.1"), true);
  assert.equal(contains({ address: "172.16.255.1", prefixLength: 32 }, "172.16.255.2"), false);
  assert.equal(contains({ address: "0.0.0.0", prefixLength: 0 }, "255.255.255.255"), true);
});

test("isNetworkOrBroadcast: the first and last address of a subnet wider than /31", () => {
  const rack = { address: "10.0.101.0", prefixLength: 24 };
  assert.equal(isNetworkOrBroadcast(rack, "10.0.101.0"), true);
  assert.equal(isNetworkOrBroadcast(rack, "10.0.101.255"), true);
  assert.equal(isNetworkOrBroadcast(rack, "10.0.101.1"), false);
  const p2p30 = { address: "172.16.0.4", prefixLength: 30 };
  assert.deepEqual(["172.16.0.4", "172.16.0.5", "172.16.0.6", "172.16.0.7"].map((ip) => isNetworkOrBroadcast(p2p30, ip)), [true, false, false, true]);
  // RFC 3021: both addresses of a /31 are usable, and a /32 is a single host.
  assert.equal(isNetworkOrBroadcast({ address: "172.16.0.0", prefixLength: 31 }, "172.16.0.0"), false);
  assert.equal(isNetworkOrBroadcast({ address: "172.16.0.0", prefixLength: 31 }, "172.16.0.1"), false);
  assert.equal(isNetworkOrBroadcast({ address: "172.16.255.1", prefixLength: 32 }, "172.16.255.1"), false);
});
