/** The bench's console table: one column per fabric, one row per measure. */
import { medians, phaseNames, type BenchResult } from "./results.js";

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (n: number | undefined) => (n === undefined ? "-" : `${n.toFixed(1)} MiB`);

/** Rows of cells, first column the measure's name; padded into aligned text. */
function render(rows: readonly (readonly string[])[]): string {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ")).join("\n");
}

export function benchTable(result: BenchResult): string {
  const m = result.machine;
  const lines = [
    `fabricspec bench, ${result.at}: driver ${result.driver}; ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB; load average ${m.loadAverage.start.map((l) => l.toFixed(2)).join(" ")} at the start, ${m.loadAverage.end.map((l) => l.toFixed(2)).join(" ")} at the end`,
    "",
  ];
  const fabrics = result.fabrics;
  if (fabrics.length > 0) {
    const med = fabrics.map(medians);
    const phases = [...new Set(fabrics.flatMap((f) => phaseNames(f.runs)))];
    const rows: string[][] = [
      ["fabric (medians)", ...fabrics.map((f) => f.name)],
      ["spines x leaves, hosts", ...fabrics.map((f) => `${f.spines}x${f.leaves}, ${f.hosts}`)],
      ["bring-ups", ...fabrics.map((f) => String(f.runs.length))],
      ...phases.map((name) => [`  ${name}`, ...med.map((x) => seconds(x.phases[name] ?? 0))]),
      ["nothing to converged", ...med.map((x) => seconds(x.up))],
      ["  per switch", ...fabrics.map((f, i) => `${((med[i]?.up ?? 0) / f.switches).toFixed(0)} ms`)],
      ["teardown", ...med.map((x) => seconds(x.down))],
      ["  daemons SIGKILLed", ...med.map((x) => String(x.killed))],
      ["memory per switch, PSS", ...fabrics.map((f) => mib(f.memory?.pssMiB?.median))],
      ["memory per switch, RSS", ...fabrics.map((f) => mib(f.memory?.rssMiB.median))],
      ...[...new Set(fabrics.flatMap((f) => Object.keys(f.memory?.perDaemonMiB ?? {})))].map((daemon) => [`  ${daemon}`, ...fabrics.map((f) => mib(f.memory?.perDaemonMiB[daemon]))]),
    ];
    lines.push(render(rows), "");
  }
  if (result.acceptance) {
    const a = result.acceptance;
    lines.push(`whole acceptance run (npm test without the install check), topology ${a.topology}: ${seconds(a.ms)}${a.exitCode === 0 ? "" : `, exit ${a.exitCode}: not representative`}`);
  }
  const ref = result.reference;
  if (ref && "skipped" in ref) lines.push(`reference bring-up: not measured (${ref.skipped})`);
  else if (ref) {
    const pairs = ref.pairs.map((p) => `${seconds(p.labUpMs)} / ${seconds(p.referenceMs)}`).join(", ");
    lines.push(
      `npx fabricspec lab up (whole process) / ${ref.script} time (its own start-to-converged figure): ` +
        `median ratio ${ref.ratio.median.toFixed(2)} (min ${ref.ratio.min.toFixed(2)}, max ${ref.ratio.max.toFixed(2)}; pairs ${pairs})`,
    );
  }
  return lines.join("\n");
}
