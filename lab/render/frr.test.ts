import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parse, stringify } from "yaml";
import { BLOG_TOPOLOGY, loadTopology, parseTopology } from "../topology/load.js";
import { bgpPeers, findSwitch, type Switch, type Topology } from "../topology/model.js";
import { CONNECTED_ROUTE_MAP, FRR_DAEMONS, renderDaemonConfigs, renderFrrConfig } from "./frr.js";
import { FRR_CURRENT, frrRelease } from "./frr-release.js";

const blog = loadTopology();

function sw(name: string): Switch {
  const found = findSwitch(blog, name);
  assert.ok(found, `no switch ${name} in the blog topology`);
  return found;
}

const LEAF1_BGPD = [
  "route-map FABRIC-CONNECTED permit 10",
  " match interface lo",
  "!",
  "route-map FABRIC-CONNECTED permit 20",
  " match interface bridge",
  "!",
  "router bgp 65101",
  " bgp router-id 172.16.255.101",
  " bgp bestpath as-path multipath-relax",
  " timers bgp 3 9",
  " coalesce-time 0",
  " neighbor 172.16.0.0 remote-as 65001",
  " neighbor 172.16.0.4 remote-as 65002",
  " !",
  " address-family ipv4 unicast",
  "  redistribute connected route-map FABRIC-CONNECTED",
  " exit-address-family",
  "!",
];

const header = (name: string, advertises: string) => [
  `! ${name}: rendered by fabricspec from topology "blog"; advertises ${advertises}`,
  "frr defaults datacenter",
  `hostname ${name}`,
  "!",
];

const lines = (...parts: string[][]) => `${parts.flat().join("\n")}\n`;

test("leaf1's integrated frr.conf, line by line", () => {
  assert.equal(
    renderFrrConfig(blog, sw("leaf1")),
    lines(
      header("leaf1", "172.16.255.101/32, 10.0.101.0/24"),
      ["service integrated-vtysh-config", "!", "ip forwarding", "no zebra nexthop kernel enable", "!"],
      LEAF1_BGPD,
      ["line vty", "!"],
    ),
  );
});

test("for FRR 4.0 (Cumulus Linux 3.7), the same frr.conf without `no zebra nexthop kernel enable`, which 4.0's zebra does not have", () => {
  // zebra/zebra_vty.c defines `[no] zebra nexthop kernel enable` from frr-7.4 on, not at frr-7.3
  // or frr-4.0; every other command rendered here is in frr-4.0's bgpd/bgp_vty.c, zebra and lib.
  for (const version of ["4.0", "4.0+cl3u13", "7.3"]) {
    assert.equal(
      renderFrrConfig(blog, sw("leaf1"), frrRelease(version)),
      lines(header("leaf1", "172.16.255.101/32, 10.0.101.0/24"), ["service integrated-vtysh-config", "!", "ip forwarding", "!"], LEAF1_BGPD, ["line vty", "!"]),
      version,
    );
  }
  for (const version of ["7.4", "8.4.4", "10.2"]) assert.match(renderFrrConfig(blog, sw("leaf1"), frrRelease(version)), /^no zebra nexthop kernel enable$/m, version);
  assert.equal(renderFrrConfig(blog, sw("leaf1")), renderFrrConfig(blog, sw("leaf1"), FRR_CURRENT), "7.4 or later unless told");
  assert.throws(() => frrRelease("cumulus"), /^UsageError: FRR version "cumulus" is not a version: expected MAJOR\.MINOR, e\.g\. 4\.0 or 8\.4$/);
});

test("spine1's per-daemon split: zebra forwards, bgpd peers with both leaves, staticd has only the header", () => {
  const configs = renderDaemonConfigs(blog, sw("spine1"));
  assert.deepEqual(Object.keys(configs), [...FRR_DAEMONS]);
  const spineHeader = header("spine1", "172.16.255.1/32");
  assert.equal(configs.zebra, lines(spineHeader, ["ip forwarding", "no zebra nexthop kernel enable", "!"]));
  assert.equal(
    configs.bgpd,
    lines(spineHeader, [
      // A spine has no rack: only its loopback is redistributed.
      "route-map FABRIC-CONNECTED permit 10",
      " match interface lo",
      "!",
      "router bgp 65001",
      " bgp router-id 172.16.255.1",
      " bgp bestpath as-path multipath-relax",
      " timers bgp 3 9",
      " coalesce-time 0",
      " neighbor 172.16.0.1 remote-as 65101",
      " neighbor 172.16.0.3 remote-as 65102",
      " !",
      " address-family ipv4 unicast",
      "  redistribute connected route-map FABRIC-CONNECTED",
      " exit-address-family",
      "!",
    ]),
  );
  assert.equal(configs.staticd, lines(spineHeader));
});

test("leaf1's bgpd part equals the BGP part of its integrated config", () => {
  assert.equal(renderDaemonConfigs(blog, sw("leaf1")).bgpd, lines(header("leaf1", "172.16.255.101/32, 10.0.101.0/24"), LEAF1_BGPD));
});

for (const s of blog.switches) {
  test(`${s.name}: the route-map comes before router bgp, neighbors and AS from the topology`, () => {
    const config = renderFrrConfig(blog, s).split("\n");
    const routeMap = config.indexOf(`route-map ${CONNECTED_ROUTE_MAP} permit 10`);
    const router = config.indexOf(`router bgp ${s.asn}`);
    assert.ok(routeMap >= 0 && router > routeMap, `route-map at line ${routeMap}, router bgp at line ${router}`);
    assert.deepEqual(
      config.filter((l) => l.startsWith(" neighbor ")),
      bgpPeers(blog, s).map((p) => ` neighbor ${p.address} remote-as ${p.remoteAs}`),
    );
    for (const line of [
      ` bgp router-id ${s.loopback}`,
      " bgp bestpath as-path multipath-relax",
      " timers bgp 3 9",
      `  redistribute connected route-map ${CONNECTED_ROUTE_MAP}`,
    ]) {
      assert.ok(config.indexOf(line) > router, `${JSON.stringify(line)} inside router bgp`);
    }
    // vtysh writes an integrated config back to one file only when it says so, once.
    assert.equal(config.filter((l) => l === "service integrated-vtysh-config").length, 1);
  });
}

test("the timers come from the topology's bgp section", () => {
  const slow = { ...blog, bgp: { keepalive: 10, hold: 30 } };
  assert.match(renderFrrConfig(slow, sw("leaf1")), /^ timers bgp 10 30$/m);
});

// Real FRR accepts what is rendered. Offline, without daemons and without touching the machine:
//  - `vtysh -C -f FILE` parses a file against every daemon's commands; exits 2 on an unknown one.
//  - `bgpd -C` reads its config and exits; it exits 0 even on an unknown command, but logs
//    "No such command" on stderr, so the check is an empty stderr. `-p 0` (no listener), `-n` (no
//    FIB) and `-Z` (no zebra) keep it off the root namespace's port 179 and routes.
// zebra -C is not run: it executes `ip forwarding`, which would write the root namespace's sysctl.
const VTYSH = "/usr/bin/vtysh";
const BGPD = "/usr/lib/frr/bgpd";
const noFrr = !existsSync(BGPD) || !existsSync(VTYSH) ? `FRR is not installed (${BGPD}, ${VTYSH}); apt-get install -y frr` : false;

/** Writes the configs into a temp dir the frr user can read (bgpd drops privileges before reading). */
function withConfigs(files: Record<string, string>, check: (path: (name: string) => string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "fabricspec-frr-"));
  try {
    chmodSync(dir, 0o755);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { mode: 0o644 });
    check((name) => join(dir, name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(argv: string[]): { status: number | null; output: string } {
  const result = spawnSync(argv[0] ?? "", argv.slice(1), { encoding: "utf8", timeout: 30_000 });
  // An FRR daemon leaves /var/tmp/frr/<daemon>.<pid>/ behind (its crash-log directory); a later
  // process with the same PID would then fail to create it.
  if (result.pid) rmSync(`/var/tmp/frr/${basename(argv[0] ?? "")}.${result.pid}`, { recursive: true, force: true });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

const vtyshCheck = (file: string) => run([VTYSH, "-C", "-f", file]);
const bgpdCheck = (file: string) => run([BGPD, "-C", "-p", "0", "-n", "-Z", "-f", file]);

test("FRR 8.4 accepts every switch's integrated config and each daemon's part", { skip: noFrr }, () => {
  for (const s of blog.switches) {
    const files: Record<string, string> = { "frr.conf": renderFrrConfig(blog, s) };
    for (const [daemon, text] of Object.entries(renderDaemonConfigs(blog, s))) files[`${daemon}.conf`] = text;
    withConfigs(files, (path) => {
      for (const name of Object.keys(files)) {
        assert.deepEqual(vtyshCheck(path(name)), { status: 0, output: "" }, `vtysh -C on ${s.name}'s ${name}`);
      }
      assert.deepEqual(bgpdCheck(path("bgpd.conf")), { status: 0, output: "" }, `bgpd -C on ${s.name}'s bgpd.conf`);
    });
  }
});

test("the FRR checks do reject a config with a typo (so the test above can fail)", { skip: noFrr }, () => {
  const typo = renderDaemonConfigs(blog, sw("leaf1")).bgpd.replace(" remote-as 65001", " remote-ass 65001");
  withConfigs({ "bgpd.conf": typo }, (path) => {
    const vtysh = vtyshCheck(path("bgpd.conf"));
    assert.notEqual(vtysh.status, 0);
    assert.match(vtysh.output, /Unknown command.*neighbor 172\.16\.0\.0 remote-ass 65001/);
    assert.match(bgpdCheck(path("bgpd.conf")).output, /No such command on config line \d+: +neighbor 172\.16\.0\.0 remote-ass 65001/);
  });
});

/** The blog with a third leaf reusing leaf1's AS 65101 and 4-byte ASNs on the spines, sharing one. */
function design(): Topology {
  const draft = parse(readFileSync(BLOG_TOPOLOGY, "utf8")) as Record<string, unknown> & { switches: Record<string, Record<string, unknown>>; links: unknown[] };
  draft.asPlan = { spine: "shared", leaf: "reused" };
  for (const name of ["spine1", "spine2"]) (draft.switches[name] ?? {}).asn = 4200000000;
  draft.switches.leaf3 = { role: "leaf", asn: 65101, loopback: "172.16.255.103/32", rack: { subnet: "10.0.103.0/24", gateway: "10.0.103.1" } };
  draft.links.push(
    { a: { node: "spine1", interface: "swp3", address: "172.16.0.8/31" }, b: { node: "leaf3", interface: "swp51", address: "172.16.0.9/31" } },
    { a: { node: "spine2", interface: "swp3", address: "172.16.0.10/31" }, b: { node: "leaf3", interface: "swp52", address: "172.16.0.11/31" } },
  );
  return parseTopology(stringify(draft), "design.yaml");
}

test("a leaf whose AS is reused accepts it once on every session; spines and unique leaves never", () => {
  const t = design();
  const find = (name: string) => findSwitch(t, name) ?? assert.fail(name);
  const allowas = (name: string) => renderFrrConfig(t, find(name)).split("\n").filter((l) => l.includes("allowas-in"));
  assert.deepEqual(allowas("leaf1"), ["  neighbor 172.16.0.0 allowas-in 1", "  neighbor 172.16.0.4 allowas-in 1"]);
  assert.deepEqual(allowas("leaf3"), ["  neighbor 172.16.0.8 allowas-in 1", "  neighbor 172.16.0.10 allowas-in 1"]);
  assert.deepEqual(allowas("leaf2"), []);
  assert.deepEqual(allowas("spine1"), []);
  assert.match(renderFrrConfig(t, find("spine2")), /^router bgp 4200000000$/m);
  assert.match(renderFrrConfig(t, find("leaf2")), /^ neighbor 172\.16\.0\.2 remote-as 4200000000$/m);
  // Inside the address family, after what it redistributes.
  const leaf1 = renderFrrConfig(t, find("leaf1")).split("\n");
  assert.ok(leaf1.indexOf("  neighbor 172.16.0.0 allowas-in 1") > leaf1.indexOf(" address-family ipv4 unicast"));
  assert.ok(leaf1.indexOf("  neighbor 172.16.0.4 allowas-in 1") < leaf1.indexOf(" exit-address-family"));
});

test("FRR 8.4 accepts the configs of shared spine AS, reused leaf AS and 4-byte designs", { skip: noFrr }, () => {
  const t = design();
  for (const s of t.switches) {
    withConfigs({ "frr.conf": renderFrrConfig(t, s), "bgpd.conf": renderDaemonConfigs(t, s).bgpd }, (path) => {
      assert.deepEqual(vtyshCheck(path("frr.conf")), { status: 0, output: "" }, `vtysh -C on ${s.name}'s frr.conf`);
      assert.deepEqual(bgpdCheck(path("bgpd.conf")), { status: 0, output: "" }, `bgpd -C on ${s.name}'s bgpd.conf`);
    });
  }
});

test("origination by network statements: no route-map, one network per advertised prefix (origin IGP)", () => {
  const t: Topology = { ...blog, origination: "network" };
  const bgpd = renderDaemonConfigs(t, sw("leaf1")).bgpd.split("\n");
  assert.ok(!bgpd.some((l) => l.includes("route-map") || l.includes("redistribute")), bgpd.join("\n"));
  const af = bgpd.slice(bgpd.indexOf(" address-family ipv4 unicast") + 1, bgpd.indexOf(" exit-address-family"));
  assert.deepEqual(af, ["  network 172.16.255.101/32", "  network 10.0.101.0/24"]);
});

test("FRR 8.4 accepts the network-statement configs", { skip: noFrr }, () => {
  const t: Topology = { ...blog, origination: "network" };
  for (const s of t.switches) {
    withConfigs({ "frr.conf": renderFrrConfig(t, s), "bgpd.conf": renderDaemonConfigs(t, s).bgpd }, (path) => {
      assert.deepEqual(vtyshCheck(path("frr.conf")), { status: 0, output: "" }, `vtysh -C on ${s.name}'s frr.conf`);
      // A network statement makes bgpd ask zebra to track the prefix, which -Z (no zebra) refuses
      // with one log line; any other output (an unknown command) still fails.
      const checked = bgpdCheck(path("bgpd.conf"));
      const lines = checked.output.split("\n").filter((l) => l !== "" && !/sendmsg_nexthop: zclient_send_message\(\) failed$/.test(l));
      assert.deepEqual({ status: checked.status, lines }, { status: 0, lines: [] }, `bgpd -C on ${s.name}'s bgpd.conf`);
    });
  }
});
