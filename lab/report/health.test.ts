import { test } from "node:test";
import assert from "node:assert/strict";
import { parseBgpSummary } from "../probes/bgp.js";
import { fixture } from "../probes/fake-runner.js";
import { parseKernelRoutes } from "../probes/routes.js";
import { loadTopology } from "../topology/load.js";
import { fabricSvg } from "./fabric-svg.js";
import { causeOf, fabricHealth, healthHtml, healthVerdict, highlightOf } from "./health.js";
import { pictureState } from "./observe.js";
import type { LabObservation } from "./observe.js";

const blog = loadTopology();
const result = (stdout: string) => ({ command: [], exitCode: 0, stdout, stderr: "", durationMs: 1 });
const summary = (file: string) => parseBgpSummary(result(fixture(file)));
const routes = (file: string) => parseKernelRoutes(result(fixture(file)));

/** leaf2 with spine1 shut: captured outputs (fakes of a lab), the others as converged. */
function observation(leaf2Down: boolean): LabObservation {
  return {
    summaries: new Map([
      ["spine1", summary(leaf2Down ? "frr-8.4-bgp-summary-spine1-peer-leaf2-shut-by-peer.json" : "frr-8.4-bgp-summary-spine1-established.json")],
      ["leaf1", summary("frr-8.4-bgp-summary-leaf1-established.json")],
      ...(leaf2Down ? ([["leaf2", summary("frr-8.4-bgp-summary-leaf2-neighbor-shutdown.json")]] as const) : []),
    ]),
    routes: new Map([
      ["spine1", routes("iproute2-route-spine1.json")],
      ["leaf1", routes("iproute2-route-leaf1-ecmp.json")],
    ]),
  };
}

test("fabricHealth: every expected session and route of the blog lab is a cell, judged against the topology", () => {
  const h = fabricHealth(blog, observation(false));
  // 4 links, each seen from both ends; spines learn 5 prefixes, leaves 4 (DESIGN.md).
  assert.equal(h.sessions.length, 8);
  assert.equal(h.routes.length, 18);
  const l1s1 = h.sessions.find((s) => s.switch === "leaf1" && s.neighbor === "spine1");
  assert.deepEqual(l1s1, { switch: "leaf1", neighbor: "spine1", address: "172.16.0.0", expectedAs: 65001, state: "Established", remoteAs: 65001, prefixes: 3, ok: true });
  const rack2 = h.routes.find((r) => r.switch === "leaf1" && r.prefix === "10.0.102.0/24");
  assert.deepEqual(rack2, { switch: "leaf1", prefix: "10.0.102.0/24", expected: 2, found: 2, ok: true });
  // spine2 (and leaf2) were not observed: its sessions are not configured, its routes missing.
  assert.ok(h.sessions.filter((s) => s.switch === "spine2").every((s) => !s.ok && s.state === undefined));
  assert.ok(h.routes.filter((r) => r.switch === "spine2").every((r) => r.found === 0 && !r.ok));
});

test("healthVerdict and healthHtml: a down session and a missing route are counted and marked", () => {
  const h = fabricHealth(blog, observation(true));
  const verdict = healthVerdict(h);
  assert.match(verdict, /^fabric: \d+\/8 sessions Established, \d+\/18 routes at expected ECMP width$/);
  const down = h.sessions.find((s) => s.switch === "leaf2" && s.neighbor === "spine1");
  assert.equal(down?.ok, false);
  assert.match(down?.state ?? "", /Idle/);
  const html = healthHtml(blog, h);
  assert.match(html, /<td class="bad" data-switch="leaf2" data-col="spine1"[^>]*>Idle/);
  assert.match(html, /<td class="ok" data-switch="leaf1" data-col="10.0.102.0\/24"[^>]*>2\/2</);
  assert.ok(html.includes(verdict));
});

test("highlightOf: the down session once (both ends judged), and each switch with what its routes lack; drawn in the picture", () => {
  const h = fabricHealth(blog, observation(true));
  const hl = highlightOf(h);
  assert.ok(hl.sessions.some(([a, b]) => [a, b].sort().join() === "leaf2,spine1"));
  assert.equal(hl.sessions.filter(([a, b]) => [a, b].sort().join() === "leaf2,spine1").length, 1);
  assert.ok(hl.switches.get("spine2")?.includes("no route to 10.0.101.0/24"));
  assert.equal(hl.switches.has("leaf1"), false);
  const svg = fabricSvg(blog, { ...pictureState(blog, observation(true)), highlight: hl });
  assert.match(svg, /<g class="link highlighted" data-a="(spine1\.swp2|leaf2\.swp51)"/);
  assert.match(svg, /<g class="switch highlighted" data-name="spine2"/);
  assert.doesNotMatch(svg, /<g class="switch highlighted" data-name="leaf1"/);
  assert.match(svg, /highlighted: \d+ sessions? down/);
});

test("causeOf: one headline for the fault, the most explaining first", () => {
  assert.equal(causeOf(fabricHealth(blog, observation(true))), "BGP session not established");
  const wrongAs = fabricHealth(blog, observation(true));
  const cells = wrongAs.sessions.map((s) => (s.switch === "leaf1" && s.neighbor === "spine1" ? { ...s, remoteAs: 65009, ok: false } : s));
  assert.equal(causeOf({ ...wrongAs, sessions: cells }), "BGP AS mismatch");
  const upRoutesWrong = { sessions: wrongAs.sessions.map((s) => ({ ...s, ok: true })), routes: wrongAs.routes };
  assert.equal(causeOf(upRoutesWrong), "Route or ECMP wrong");
  assert.equal(causeOf({ sessions: upRoutesWrong.sessions, routes: [] }), undefined);
});
