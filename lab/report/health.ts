/**
 * Health at a glance: the session matrix (switch x neighbor: state, remote AS, prefixes received)
 * and the route matrix (switch x expected prefix: ECMP width found in the kernel against what BGP's
 * rules give over the topology, bestRoutes), judged from one observation, as an HTML table for the
 * report and one line for the console. Pure: values in, text out.
 */
import { bestRoutes, bgpPeers, type Topology } from "../topology/model.js";
import { escapeXml, SESSION_COLOURS, type ObservedFabric } from "./fabric-svg.js";
import type { LabObservation } from "./observe.js";

/** One switch's view of one session. */
export interface SessionCell {
  readonly switch: string;
  /** The neighbor's node name, or its address when the topology has no such session. */
  readonly neighbor: string;
  readonly address: string;
  readonly expectedAs: number | undefined;
  /** FRR's state text; undefined when the switch has no such neighbor configured. */
  readonly state: string | undefined;
  readonly remoteAs: number | undefined;
  readonly prefixes: number | undefined;
  readonly ok: boolean;
}

/** One switch's route to one prefix BGP should give it. */
export interface RouteCell {
  readonly switch: string;
  readonly prefix: string;
  readonly expected: number;
  /** Next hops of the kernel's route; 0 when there is no route. */
  readonly found: number;
  readonly ok: boolean;
}

export interface FabricHealth {
  readonly sessions: readonly SessionCell[];
  readonly routes: readonly RouteCell[];
}

/** Judges the observation against the topology's expected state. */
export function fabricHealth(t: Topology, observed: LabObservation): FabricHealth {
  const sessions: SessionCell[] = [];
  const routes: RouteCell[] = [];
  for (const sw of t.switches) {
    const peers = observed.summaries.get(sw.name)?.peers ?? [];
    const expected = bgpPeers(t, sw);
    for (const e of expected) {
      const p = peers.find((x) => x.address === e.address);
      sessions.push({
        switch: sw.name,
        neighbor: e.node,
        address: e.address,
        expectedAs: e.remoteAs,
        state: p?.state,
        remoteAs: p?.remoteAs,
        prefixes: p?.prefixesReceived,
        ok: p?.established === true && p.remoteAs === e.remoteAs,
      });
    }
    // A neighbor the topology has no session with is wrong whatever its state.
    for (const p of peers.filter((x) => !expected.some((e) => e.address === x.address))) {
      sessions.push({ switch: sw.name, neighbor: p.hostname ?? p.address, address: p.address, expectedAs: undefined, state: p.state, remoteAs: p.remoteAs, prefixes: p.prefixesReceived, ok: false });
    }
    const kernel = observed.routes.get(sw.name) ?? [];
    for (const r of bestRoutes(t, sw)) {
      const found = kernel.find((k) => k.dst === r.prefix)?.nexthops.length ?? 0;
      routes.push({ switch: sw.name, prefix: r.prefix, expected: r.nextHops.length, found, ok: found === r.nextHops.length });
    }
  }
  return { sessions, routes };
}

/** "fabric: 8/8 sessions Established, 18/18 routes at expected ECMP width". */
export function healthVerdict(h: FabricHealth): string {
  const up = h.sessions.filter((s) => s.ok).length;
  const wide = h.routes.filter((r) => r.ok).length;
  return `fabric: ${up}/${h.sessions.length} sessions Established, ${wide}/${h.routes.length} routes at expected ECMP width`;
}

const cellStyle = (ok: boolean) => `background:${ok ? "#e8f5e9" : "#ffebee"};color:${ok ? SESSION_COLOURS.established : SESSION_COLOURS.down}`;

function sessionText(s: SessionCell): string {
  if (s.state === undefined) return "not configured";
  const as = s.expectedAs !== undefined && s.remoteAs !== s.expectedAs ? `AS ${s.remoteAs} (expected ${s.expectedAs})` : `AS ${s.remoteAs}`;
  return `${s.state}<br>${as}${s.prefixes !== undefined ? `<br>${s.prefixes} pfx` : ""}`;
}

/** A matrix: rows by switch, columns by key, each cell rendered or blank. */
function matrix<C extends { switch: string; ok: boolean }>(caption: string, cls: string, rows: readonly string[], cells: readonly C[], key: (c: C) => string, text: (c: C) => string): string {
  const cols = [...new Set(cells.map(key))];
  const head = `<tr><th>switch</th>${cols.map((c) => `<th>${escapeXml(c)}</th>`).join("")}</tr>`;
  const body = rows
    .filter((r) => cells.some((c) => c.switch === r))
    .map((r) => {
      const tds = cols.map((col) => {
        const c = cells.find((x) => x.switch === r && key(x) === col);
        return c ? `<td class="${c.ok ? "ok" : "bad"}" data-switch="${escapeXml(r)}" data-col="${escapeXml(col)}" style="${cellStyle(c.ok)}">${text(c)}</td>` : "<td></td>";
      });
      return `<tr><th>${escapeXml(r)}</th>${tds.join("")}</tr>`;
    });
  return `<table class="${cls}"><caption>${escapeXml(caption)}</caption>${head}${body.join("")}</table>`;
}

/** The health page: the verdict, then both matrices. */
export function healthHtml(t: Topology, h: FabricHealth): string {
  const rows = t.switches.map((s) => s.name);
  const sessions = matrix("BGP sessions (switch x neighbor): state, remote AS, prefixes received", "sessions", rows, h.sessions, (s) => s.neighbor, sessionText);
  const routes = matrix(
    "Routes (switch x expected prefix): kernel next hops found / expected by BGP's rules",
    "routes",
    rows,
    h.routes,
    (r) => r.prefix,
    (r) => (r.found === 0 ? `no route / ${r.expected}` : `${r.found}/${r.expected}`),
  );
  const allOk = h.sessions.every((s) => s.ok) && h.routes.every((r) => r.ok);
  return [
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeXml(`health of fabric ${t.name}`)}</title>`,
    `<style>body{font:13px sans-serif;margin:12px}table{border-collapse:collapse;margin:12px 0}caption{text-align:left;font-weight:bold;padding:4px 0}th,td{border:1px solid #cfd8dc;padding:3px 6px;text-align:center;font-size:12px}th{background:#eceff1}</style></head><body>`,
    `<p class="verdict" style="font-size:15px;font-weight:bold;color:${allOk ? SESSION_COLOURS.established : SESSION_COLOURS.down}">${escapeXml(healthVerdict(h))}</p>`,
    sessions,
    routes,
    `</body></html>`,
    "",
  ].join("\n");
}

/**
 * What the picture highlights of a health judgement: each session not Established (or with the
 * wrong AS) by its two switches, and each switch with a route missing or narrower than expected.
 */
export function highlightOf(h: FabricHealth): NonNullable<ObservedFabric["highlight"]> {
  const sessions: Array<readonly [string, string]> = [];
  for (const s of h.sessions.filter((c) => !c.ok && c.expectedAs !== undefined)) {
    if (!sessions.some(([a, b]) => (a === s.neighbor && b === s.switch) || (a === s.switch && b === s.neighbor))) sessions.push([s.switch, s.neighbor]);
  }
  const switches = new Map<string, string[]>();
  for (const r of h.routes.filter((c) => !c.ok)) {
    const list = switches.get(r.switch) ?? [];
    list.push(r.found === 0 ? `no route to ${r.prefix}` : `${r.prefix} over ${r.found} next hop${r.found === 1 ? "" : "s"} (expected ${r.expected})`);
    switches.set(r.switch, list);
  }
  return { sessions, switches };
}

/**
 * The fault behind what is wrong, as one headline for every scenario it fails (the report's
 * categories group on it): a session with the wrong AS before a session merely down, before a
 * route wrong, since each explains the next. Undefined when the fabric is as expected.
 */
export function causeOf(h: FabricHealth): string | undefined {
  if (h.sessions.some((s) => s.state !== undefined && s.expectedAs !== undefined && s.remoteAs !== s.expectedAs)) return "BGP AS mismatch";
  if (h.sessions.some((s) => !s.ok)) return "BGP session not established";
  if (h.routes.some((r) => !r.ok)) return "Route or ECMP wrong";
  return undefined;
}
