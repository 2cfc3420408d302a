/**
 * The scale curve as an SVG chart, written by hand (no charting library): on the left, seconds
 * against the number of switches (bring-up to converged, each bring-up phase, teardown); on the
 * right, memory per switch (PSS, and RSS dashed). Self-contained: it opens from disk and renders
 * on GitHub.
 */
import { medians, phaseNames, type BenchResult, type FabricResult } from "./results.js";

interface Series {
  readonly label: string;
  readonly color: string;
  readonly dashed?: boolean;
  readonly points: readonly (readonly [number, number])[];
}

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
const PANEL = { width: 440, height: 300, left: 56, right: 16, top: 40, bottom: 48 } as const;

const escape = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
const fmt = (n: number) => (Math.round(n * 100) / 100).toString();

/** 1, 2, 5 x 10^k steps: about five ticks from 0 to at least `max`. */
export function ticks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = 0; t < max + step * 0.999; t += step) out.push(Math.round(t / step) * step);
  return out;
}

/** Where a panel's legend goes: top left, or bottom right where the lines run high. */
type Corner = "top-left" | "bottom-right";

function panel(x0: number, title: string, xLabel: string, yLabel: string, series: readonly Series[], legend: Corner = "top-left"): string {
  const all = series.flatMap((s) => s.points);
  const xTicks = ticks(Math.max(1, ...all.map(([x]) => x)));
  const yTicks = ticks(Math.max(0, ...all.map(([, y]) => y)));
  const xMax = xTicks[xTicks.length - 1] ?? 1;
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const w = PANEL.width - PANEL.left - PANEL.right;
  const h = PANEL.height - PANEL.top - PANEL.bottom;
  const px = (x: number) => x0 + PANEL.left + (x / xMax) * w;
  const py = (y: number) => PANEL.top + h - (y / yMax) * h;
  const parts: string[] = [
    `<text x="${x0 + PANEL.left}" y="22" font-weight="bold">${escape(title)}</text>`,
    `<rect x="${x0 + PANEL.left}" y="${PANEL.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`,
  ];
  for (const t of xTicks) {
    parts.push(`<line x1="${px(t)}" y1="${PANEL.top + h}" x2="${px(t)}" y2="${PANEL.top + h + 4}" stroke="#999"/>`);
    parts.push(`<text x="${px(t)}" y="${PANEL.top + h + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  for (const t of yTicks) {
    parts.push(`<line x1="${x0 + PANEL.left}" y1="${py(t)}" x2="${x0 + PANEL.left + w}" y2="${py(t)}" stroke="#eee"/>`);
    parts.push(`<text x="${x0 + PANEL.left - 6}" y="${py(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  parts.push(`<text x="${x0 + PANEL.left + w / 2}" y="${PANEL.height - 12}" text-anchor="middle">${escape(xLabel)}</text>`);
  parts.push(`<text transform="translate(${x0 + 14} ${PANEL.top + h / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}</text>`);
  series.forEach((s, i) => {
    const points = [...s.points].sort((a, b) => a[0] - b[0]);
    const dash = s.dashed ? ' stroke-dasharray="5 4"' : "";
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${points.map(([x, y]) => `${fmt(px(x))},${fmt(py(y))}`).join(" ")}"><title>${escape(s.label)}</title></polyline>`);
    for (const [x, y] of points) parts.push(`<circle cx="${fmt(px(x))}" cy="${fmt(py(y))}" r="3" fill="${s.color}"><title>${escape(`${s.label}: ${fmt(y)} at ${x} switches`)}</title></circle>`);
    const ly = legend === "top-left" ? PANEL.top + 14 + i * 16 : PANEL.top + h - 8 - (series.length - 1 - i) * 16;
    const lx = legend === "top-left" ? x0 + PANEL.left + 10 : x0 + PANEL.left + w - 190;
    parts.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 18}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    parts.push(`<text x="${lx + 24}" y="${ly}">${escape(s.label)}</text>`);
  });
  return parts.join("\n");
}

function timeSeries(fabrics: readonly FabricResult[]): Series[] {
  const med = fabrics.map(medians);
  const at = (values: readonly number[]) => fabrics.map((f, i) => [f.switches, (values[i] ?? 0) / 1000] as const);
  const phases = [...new Set(fabrics.flatMap((f) => phaseNames(f.runs)))];
  return [
    { label: "nothing to converged", color: COLORS[0] ?? "black", points: at(med.map((m) => m.up)) },
    ...phases.map((name, i) => ({ label: name, color: COLORS[(i + 1) % COLORS.length] ?? "black", points: at(med.map((m) => m.phases[name] ?? 0)) })),
    { label: "teardown", color: COLORS[(phases.length + 1) % COLORS.length] ?? "black", dashed: true, points: at(med.map((m) => m.down)) },
  ];
}

function memorySeries(fabrics: readonly FabricResult[]): Series[] {
  const measured = fabrics.filter((f) => f.memory);
  const pss = measured.filter((f) => f.memory?.pssMiB).map((f) => [f.switches, f.memory?.pssMiB?.median ?? 0] as const);
  const rss = measured.map((f) => [f.switches, f.memory?.rssMiB.median ?? 0] as const);
  return [
    ...(pss.length ? [{ label: "PSS per switch (median)", color: COLORS[0] ?? "black", points: pss }] : []),
    { label: "RSS per switch (median)", color: COLORS[3] ?? "black", dashed: true, points: rss },
  ];
}

/** The chart of a bench run's fabrics. */
export function scaleChart(result: BenchResult): string {
  const width = PANEL.width * 2;
  const height = PANEL.height + 40;
  const m = result.machine;
  const names = result.fabrics.map((f) => `${f.name} (${f.switches})`).join(", ");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    panel(0, "Bring-up and teardown", "switches", "seconds (median)", timeSeries(result.fabrics)),
    panel(PANEL.width, "Memory per switch (its daemons, kernel accounting)", "switches", "MiB", memorySeries(result.fabrics), "bottom-right"),
    `<text x="8" y="${height - 22}" fill="#555">${escape(`fabricspec bench ${result.at}, driver ${result.driver}, ${m.cores} cores (${m.cpu}), load average ${m.loadAverage.start.map((l) => l.toFixed(1)).join(" ")} at the start`)}</text>`,
    `<text x="8" y="${height - 8}" fill="#555">${escape(`fabrics (switches): ${names}`)}</text>`,
    "</svg>",
    "",
  ].join("\n");
}
