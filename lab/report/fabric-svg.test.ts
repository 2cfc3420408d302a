import { test } from "node:test";
import assert from "node:assert/strict";
import { loadTopology } from "../topology/load.js";
import { leaves } from "../topology/model.js";
import { expectedEcmpWidth, fabricSvg, SESSION_COLOURS, tiers } from "./fabric-svg.js";

const blog = loadTopology();
const fiveStage = loadTopology("lab/topologies/five-stage.yaml");

test("tiers run top down by distance from the leaves: spines over leaves, super-spines over spines", () => {
  assert.deepEqual(tiers(blog).map((t) => t.role), ["spine", "leaf"]);
  assert.deepEqual(tiers(fiveStage).map((t) => t.role), ["super-spine", "spine", "leaf"]);
});

test("every switch appears with its name, AS and loopback; every link with both interface names", () => {
  const svg = fabricSvg(blog);
  for (const s of blog.switches) {
    assert.match(svg, new RegExp(`data-name="${s.name}"`));
    assert.ok(svg.includes(`AS ${s.asn}`), `AS of ${s.name}`);
    assert.ok(svg.includes(`>${s.loopback}<`), `loopback of ${s.name}`);
    for (const i of s.interfaces) assert.ok(svg.includes(`data-a="${s.name}.${i.name}"`) || svg.includes(`data-b="${s.name}.${i.name}"`), `${s.name}.${i.name}`);
  }
  const links = blog.switches.reduce((n, s) => n + s.interfaces.length, 0) / 2;
  assert.equal(svg.match(/class="link"/g)?.length, links);
  assert.ok(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
});

test("racks and hosts are drawn under their leaf", () => {
  const svg = fabricSvg(blog);
  for (const l of leaves(blog)) assert.ok(svg.includes(`rack ${l.rack?.subnet}`), l.name);
  for (const h of blog.hosts) assert.ok(svg.includes(`${h.name} ${h.address}`), h.name);
});

test("observed sessions are green when Established at both ends, red when either end is not", () => {
  const sessions = new Map<string, Map<string, string>>();
  for (const s of blog.switches) sessions.set(s.name, new Map(s.interfaces.map((i) => [i.peer.ip, "Established"])));
  const leaf = leaves(blog)[0];
  const down = leaf?.interfaces[0];
  assert.ok(leaf && down);
  sessions.get(leaf.name)?.set(down.peer.ip, "Active");
  const svg = fabricSvg(blog, { sessions });
  const links = svg.split('<g class="link"').slice(1).map((l) => l.slice(0, l.indexOf("</g>")));
  const red = links.filter((l) => l.includes(`stroke="${SESSION_COLOURS.down}"`));
  assert.equal(red.length, 1);
  assert.ok(red[0]?.includes(`${leaf.name}.${down.name}`) && red[0].includes("Active"));
  assert.equal(links.filter((l) => l.includes(`stroke="${SESSION_COLOURS.established}"`)).length, links.length - 1);
});

test("each leaf carries its ECMP width, found against expected", () => {
  const [l1, l2] = leaves(blog);
  assert.ok(l1 && l2);
  assert.equal(expectedEcmpWidth(blog, l1), 2);
  const svg = fabricSvg(blog, { ecmpWidth: new Map([[l1.name, 2], [l2.name, 1]]) });
  assert.ok(svg.includes(`data-found="2" data-expected="2"`));
  assert.ok(svg.includes(`data-found="1" data-expected="2"`));
  assert.ok(svg.includes("ECMP 1/2"));
});

test("names are escaped: the picture stays well-formed XML", () => {
  const odd = { ...blog, name: `a<b&"c"` };
  const svg = fabricSvg(odd);
  assert.ok(svg.includes("a&lt;b&amp;&quot;c&quot;"));
  assert.ok(!svg.includes("a<b"));
});

test("on an unnumbered link the session is looked up by interface, as FRR keys it", () => {
  const unnumbered = {
    ...blog,
    switches: blog.switches.map((s) => ({ ...s, interfaces: s.interfaces.map((i) => ({ ...i, cidr: "", ip: "", peer: { ...i.peer, ip: "" }, unnumbered: true })) })),
  };
  const sessions = new Map(unnumbered.switches.map((s) => [s.name, new Map(s.interfaces.map((i) => [i.name, "Established"]))]));
  const svg = fabricSvg(unnumbered, { sessions });
  assert.ok(!svg.includes(`stroke="${SESSION_COLOURS.down}" stroke-width="2.5"/>\n<rect`));
  assert.equal(svg.split('<g class="link"').slice(1).filter((l) => l.slice(0, l.indexOf("</g>")).includes(`stroke="${SESSION_COLOURS.established}"`)).length, 4);
  assert.ok(svg.includes("(unnumbered): Established"));
});
