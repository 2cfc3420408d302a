/**
 * Judging a switch against what a scenario states outright, in its data tables and literal values
 * (the blog's outputs): best paths, prefix counts, router-id and AS, running daemons. Findings as in
 * ./judge.ts: one sentence each, what was found and what was expected.
 */
import { differences } from "../expect/partial.js";
import type { BgpSummary, BgpTable } from "../probes/bgp.js";
import type { FrrDaemons } from "../probes/daemons.js";

/** A best path as a table row states it: `next hop` (comma-separated for ECMP), `AS path`, `origin`. */
export interface StatedBestPath {
  readonly nextHop: string | undefined;
  readonly asPath: string | undefined;
  readonly origin: string | undefined;
}

const COLUMN: Record<keyof StatedBestPath, string> = { nextHop: "next hop", asPath: "AS path", origin: "origin" };

/** The best path to each prefix of the table, in the form a row states it. */
function bestPaths(table: BgpTable): Record<string, StatedBestPath> {
  return Object.fromEntries(
    Object.entries(table.routes).flatMap(([prefix, paths]) => {
      const best = paths.find((p) => p.best);
      return best ? [[prefix, { nextHop: best.nextHops.map((h) => h.ip).join(","), asPath: best.asPath, origin: best.origin }]] : [];
    }),
  );
}

/** Each stated prefix has a best path with the stated next hop, AS path and origin. */
export function bestPathFindings(switchName: string, stated: Readonly<Record<string, StatedBestPath>>, table: BgpTable): string[] {
  return differences(bestPaths(table), stated).map(({ path: [prefix, column], expected, found }) => {
    const want = stated[String(prefix)];
    if (column === undefined) return `${switchName} has no best path to ${String(prefix)} in its BGP table (expected next hop ${want?.nextHop}, path ${want?.asPath})`;
    const what = COLUMN[column as keyof StatedBestPath];
    return `${switchName}'s best path to ${String(prefix)} has ${what} ${String(found) || "(empty)"} (expected ${String(expected)})`;
  });
}

/** As many prefixes learned over BGP (their best path came from a neighbor) as stated. */
export function learnedPrefixFindings(switchName: string, table: BgpTable, stated: number): string[] {
  const learned = Object.keys(table.routes).filter((prefix) => table.routes[prefix]?.some((p) => p.best && p.peerId !== undefined));
  return learned.length === stated ? [] : [`${switchName} has learned ${learned.length} prefixes over BGP: ${learned.join(", ") || "none"} (expected ${stated})`];
}

/** The stated BGP router-id and local AS. */
export function routerIdFindings(switchName: string, summary: BgpSummary, stated: { readonly routerId: string; readonly localAs: number }): string[] {
  if (differences(summary, stated).length === 0) return [];
  return [`${switchName}'s BGP router-id and AS are ${summary.routerId ?? "(none)"} and ${summary.localAs ?? "(none)"} (expected ${stated.routerId} and ${stated.localAs})`];
}

/** Every stated daemon runs (others may too). */
export function daemonFindings(switchName: string, daemons: FrrDaemons, stated: readonly string[]): string[] {
  if (!daemons.reachable) return [`${switchName}: vtysh reaches no routing daemon (${daemons.reason})`];
  const running = daemons.running.join(", ") || "none";
  return stated.filter((d) => !daemons.running.includes(d)).map((d) => `${switchName}: ${d} is not running (running: ${running})`);
}
