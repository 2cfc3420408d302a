/**
 * The fabric as a picture: an SVG drawn from the topology model, nothing else. Tiers top down
 * (ordered by their distance from the leaves, so any role the model gains finds its row), each
 * switch with its name, AS and loopback, each link with the interface name at both ends, and under
 * every leaf its rack (subnet) and hosts. Given what was observed, each BGP session is coloured by
 * its state (Established green, anything else red, not observed grey) and each leaf carries its
 * ECMP width (found against expected).
 *
 * Pure: a string from values, no I/O; the report (support/) and `lab status --svg` write it.
 */
import { bestRoutes, type Host, type Interface, type Switch, type Topology } from "../topology/model.js";

/** What was seen on the running fabric. Each part is optional: absent means not observed. */
export interface ObservedFabric {
  /** A switch's sessions: its name -> neighbor address (FRR's key) -> FRR's state text. */
  readonly sessions?: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** A leaf's ECMP width: the fewest kernel next hops among its routes to the other racks. */
  readonly ecmpWidth?: ReadonlyMap<string, number>;
  /**
   * What a failed step found wrong, drawn highlighted: sessions (by their two switches' names)
   * and switches, each with what is wrong there (a route missing or too narrow).
   */
  readonly highlight?: {
    readonly sessions: ReadonlyArray<readonly [string, string]>;
    readonly switches: ReadonlyMap<string, readonly string[]>;
  };
}

export const HIGHLIGHT_COLOUR = "#ff6f00";

export const SESSION_COLOURS = { established: "#2e7d32", down: "#c62828", unknown: "#9e9e9e" } as const;

const BOX_W = 150;
const BOX_H = 58;
const GAP_X = 30;
const TIER_GAP = 130;
const MARGIN = 30;
const HOST_LINE = 15;

/** XML text content or attribute value, escaped. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] as string);
}

/**
 * The roles top down: a role's rank is its switches' shortest distance (in links) to a leaf, the
 * farthest first; ties keep the model's order. Leaves are rank 0.
 */
export function tiers(t: Topology): Array<{ role: string; switches: Switch[] }> {
  const distance = new Map<string, number>();
  let frontier = t.switches.filter((s) => s.role === "leaf").map((s) => s.name);
  for (const name of frontier) distance.set(name, 0);
  for (let d = 1; frontier.length > 0; d++) {
    const next: string[] = [];
    for (const name of frontier) {
      const sw = t.switches.find((s) => s.name === name);
      for (const i of sw?.interfaces ?? []) {
        if (!distance.has(i.peer.node)) {
          distance.set(i.peer.node, d);
          next.push(i.peer.node);
        }
      }
    }
    frontier = next;
  }
  const roles: string[] = [];
  for (const s of t.switches) if (!roles.includes(s.role)) roles.push(s.role);
  const rank = (role: string) =>
    Math.min(...t.switches.filter((s) => s.role === role).map((s) => distance.get(s.name) ?? Number.MAX_SAFE_INTEGER));
  const order = roles.map((role, index) => ({ role, index, rank: rank(role) }));
  order.sort((a, b) => b.rank - a.rank || a.index - b.index);
  return order.map(({ role }) => ({ role, switches: t.switches.filter((s) => s.role === role) }));
}

/** How FRR keys the session on this interface: the far end's address, or the interface when unnumbered. */
const neighborKey = (i: Interface): string => (i.unnumbered ? i.name : i.peer.ip);

/** A session's colour from both ends' observed states (either end down makes it down). */
function sessionColour(states: Array<string | undefined>): { colour: string; label: string } {
  const seen = states.filter((s): s is string => s !== undefined);
  if (seen.length === 0) return { colour: SESSION_COLOURS.unknown, label: "not observed" };
  const up = seen.every((s) => s === "Established");
  return { colour: up ? SESSION_COLOURS.established : SESSION_COLOURS.down, label: [...new Set(seen)].join(" / ") };
}

/** The ECMP width BGP should give a leaf: the fewest equal-cost next hops to another rack. */
export function expectedEcmpWidth(t: Topology, leaf: Switch): number | undefined {
  const racks = t.switches.flatMap((s) => (s.rack && s.name !== leaf.name ? [s.rack.subnet] : []));
  const widths = bestRoutes(t, leaf).filter((r) => racks.includes(r.prefix)).map((r) => r.nextHops.length);
  return widths.length > 0 ? Math.min(...widths) : undefined;
}

/** The picture of the fabric, with what was observed on it when given. */
export function fabricSvg(t: Topology, observed: ObservedFabric = {}): string {
  const rows = tiers(t);
  const widest = Math.max(1, ...rows.map((r) => r.switches.length));
  const width = MARGIN * 2 + widest * BOX_W + (widest - 1) * GAP_X;
  const position = new Map<string, { x: number; y: number }>();
  rows.forEach((row, r) => {
    const rowWidth = row.switches.length * BOX_W + (row.switches.length - 1) * GAP_X;
    const left = (width - rowWidth) / 2;
    row.switches.forEach((s, i) => position.set(s.name, { x: left + i * (BOX_W + GAP_X), y: MARGIN + 20 + r * (BOX_H + TIER_GAP) }));
  });
  const hostsOf = (leaf: string): Host[] => t.hosts.filter((h) => h.leaf === leaf);
  const maxHosts = Math.max(0, ...t.switches.map((s) => hostsOf(s.name).length));
  const hasRacks = t.switches.some((s) => s.rack);
  const rackH = hasRacks ? 22 + maxHosts * HOST_LINE + 8 : 0;
  const height = MARGIN * 2 + 20 + rows.length * BOX_H + (rows.length - 1) * TIER_GAP + (hasRacks ? 30 + rackH : 0) + 20;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(`fabric ${t.name}`)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${MARGIN}" y="${MARGIN}" font-size="14" font-weight="bold">${escapeXml(`fabric ${t.name}`)}</text>`,
  );

  // Links (under the boxes): one line per link, drawn once from its first end.
  const drawn = new Set<string>();
  for (const sw of t.switches) {
    for (const i of sw.interfaces) {
      const key = [`${sw.name}.${i.name}`, `${i.peer.node}.${i.peer.interface}`].sort().join("|");
      if (drawn.has(key)) continue;
      drawn.add(key);
      const a = position.get(sw.name);
      const b = position.get(i.peer.node);
      if (!a || !b) continue;
      const far = t.switches.find((s) => s.name === i.peer.node);
      const farIf = far?.interfaces.find((x) => x.name === i.peer.interface);
      const [upper, lower] = a.y <= b.y ? [{ p: a, name: i.name }, { p: b, name: i.peer.interface }] : [{ p: b, name: i.peer.interface }, { p: a, name: i.name }];
      const x1 = upper.p.x + BOX_W / 2, y1 = upper.p.y + BOX_H;
      const x2 = lower.p.x + BOX_W / 2, y2 = lower.p.y;
      const failed = (t.failedSessions ?? []).some(([p, q]) => (p === sw.name && q === i.peer.node) || (q === sw.name && p === i.peer.node));
      const session = observed.sessions
        ? sessionColour([observed.sessions.get(sw.name)?.get(neighborKey(i)), farIf ? observed.sessions.get(i.peer.node)?.get(neighborKey(farIf)) : undefined])
        : { colour: "#607d8b", label: failed ? "no session expected" : "session not observed" };
      const highlighted = (observed.highlight?.sessions ?? []).some(([p, q]) => (p === sw.name && q === i.peer.node) || (q === sw.name && p === i.peer.node));
      const title = i.unnumbered
        ? `${sw.name} ${i.name} - ${i.peer.node} ${i.peer.interface} (unnumbered): ${session.label}`
        : `${sw.name} ${i.name} (${i.ip}) - ${i.peer.node} ${i.peer.interface} (${i.peer.ip}): ${session.label}`;
      out.push(
        `<g class="link${highlighted ? " highlighted" : ""}" data-a="${escapeXml(`${sw.name}.${i.name}`)}" data-b="${escapeXml(`${i.peer.node}.${i.peer.interface}`)}">`,
        `<title>${escapeXml(title)}</title>`,
        ...(highlighted ? [`<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${HIGHLIGHT_COLOUR}" stroke-width="10" stroke-opacity="0.45"/>`] : []),
        `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${session.colour}" stroke-width="2.5"${failed ? ' stroke-dasharray="6 4"' : ""}/>`,
        label(x1 + (x2 - x1) * 0.18, y1 + (y2 - y1) * 0.18, upper.name),
        label(x1 + (x2 - x1) * 0.82, y1 + (y2 - y1) * 0.82, lower.name),
        `</g>`,
      );
    }
  }

  // Switches.
  const fill: Record<string, string> = { "super-spine": "#ede7f6", spine: "#e3f2fd", leaf: "#e8f5e9" };
  for (const { role, switches } of rows) {
    for (const s of switches) {
      const p = position.get(s.name) as { x: number; y: number };
      const wrong = observed.highlight?.switches.get(s.name) ?? [];
      const about = `${s.name} (${role}${s.pod ? `, pod ${s.pod}` : ""}): AS ${s.asn}, loopback ${s.loopback}`;
      out.push(
        `<g class="switch${wrong.length > 0 ? " highlighted" : ""}" data-name="${escapeXml(s.name)}" data-role="${escapeXml(role)}">`,
        `<title>${escapeXml(wrong.length > 0 ? `${about}\n${wrong.join("\n")}` : about)}</title>`,
        `<rect x="${p.x}" y="${p.y}" width="${BOX_W}" height="${BOX_H}" rx="6" fill="${fill[role] ?? "#f5f5f5"}" stroke="${wrong.length > 0 ? HIGHLIGHT_COLOUR : "#37474f"}" stroke-width="${wrong.length > 0 ? 4 : 1}"/>`,
        `<text x="${p.x + BOX_W / 2}" y="${p.y + 17}" text-anchor="middle" font-weight="bold" font-size="12">${escapeXml(s.name)}</text>`,
        `<text x="${p.x + BOX_W / 2}" y="${p.y + 32}" text-anchor="middle">AS ${s.asn}</text>`,
        `<text x="${p.x + BOX_W / 2}" y="${p.y + 46}" text-anchor="middle">${escapeXml(s.loopback)}</text>`,
      );
      if (s.role === "leaf" && observed.ecmpWidth) {
        const found = observed.ecmpWidth.get(s.name);
        const expected = expectedEcmpWidth(t, s);
        const ok = found !== undefined && found === expected;
        const text = `ECMP ${found ?? "?"}${expected !== undefined ? `/${expected}` : ""}`;
        out.push(
          `<g class="ecmp" data-found="${found ?? ""}" data-expected="${expected ?? ""}">`,
          `<rect x="${p.x + BOX_W - 58}" y="${p.y - 9}" width="62" height="16" rx="8" fill="${ok ? SESSION_COLOURS.established : SESSION_COLOURS.down}"/>`,
          `<text x="${p.x + BOX_W - 27}" y="${p.y + 3}" text-anchor="middle" fill="#ffffff" font-size="10">${text}</text>`,
          `</g>`,
        );
      }
      out.push(`</g>`);
    }
  }

  // Racks and their hosts, under their leaves.
  for (const s of t.switches) {
    if (!s.rack) continue;
    const p = position.get(s.name) as { x: number; y: number };
    const top = p.y + BOX_H + 30;
    const hosts = hostsOf(s.name);
    out.push(
      `<g class="rack" data-leaf="${escapeXml(s.name)}">`,
      `<line x1="${p.x + BOX_W / 2}" y1="${p.y + BOX_H}" x2="${p.x + BOX_W / 2}" y2="${top}" stroke="#8d6e63" stroke-width="1.5"/>`,
      `<rect x="${p.x}" y="${top}" width="${BOX_W}" height="${22 + hosts.length * HOST_LINE + 4}" rx="4" fill="#fff8e1" stroke="#8d6e63"/>`,
      `<text x="${p.x + BOX_W / 2}" y="${top + 15}" text-anchor="middle" font-weight="bold">rack ${escapeXml(s.rack.subnet)}</text>`,
      ...hosts.map(
        (h, i) => `<text class="host" x="${p.x + 8}" y="${top + 32 + i * HOST_LINE}">${escapeXml(`${h.name} ${h.address} (${h.role})`)}</text>`,
      ),
      `</g>`,
    );
  }

  if (observed.highlight) {
    const n = observed.highlight.sessions.length;
    const m = observed.highlight.switches.size;
    const text = n + m === 0 ? "nothing wrong in the fabric" : `highlighted: ${n} session${n === 1 ? "" : "s"} down, ${m} switch${m === 1 ? "" : "es"} with a route wrong`;
    // Under the title, left-aligned: the narrowest picture (two spines) is about as wide as this line.
    out.push(`<text class="highlight-caption" x="${MARGIN}" y="${MARGIN + 15}" font-size="10" fill="${HIGHLIGHT_COLOUR}" font-weight="bold">${escapeXml(text)}</text>`);
  }
  if (observed.sessions) {
    const y = height - 12;
    out.push(
      `<g class="legend">`,
      `<line x1="${MARGIN}" y1="${y - 4}" x2="${MARGIN + 24}" y2="${y - 4}" stroke="${SESSION_COLOURS.established}" stroke-width="2.5"/>`,
      `<text x="${MARGIN + 30}" y="${y}">Established</text>`,
      `<line x1="${MARGIN + 110}" y1="${y - 4}" x2="${MARGIN + 134}" y2="${y - 4}" stroke="${SESSION_COLOURS.down}" stroke-width="2.5"/>`,
      `<text x="${MARGIN + 140}" y="${y}">not Established</text>`,
      `<line x1="${MARGIN + 240}" y1="${y - 4}" x2="${MARGIN + 264}" y2="${y - 4}" stroke="${SESSION_COLOURS.unknown}" stroke-width="2.5"/>`,
      `<text x="${MARGIN + 270}" y="${y}">not observed</text>`,
      `</g>`,
    );
  }
  out.push(`</svg>`);
  return `${out.join("\n")}\n`;
}

/** An interface name on a white pad, so that it reads over the line. */
function label(x: number, y: number, text: string): string {
  const w = text.length * 6.2 + 6;
  return `<rect x="${x - w / 2}" y="${y - 8}" width="${w}" height="13" fill="#ffffff" opacity="0.85"/><text x="${x}" y="${y + 2}" text-anchor="middle" font-size="10">${escapeXml(text)}</text>`;
}
