/**
 * Every switch's kernel routes read by one process: `ip -n NS -j route show` for each namespace in
 * turn, from a shell in the root namespace (iproute2 enters each namespace itself; nothing runs
 * inside it). Waiting for a 208-switch fabric to converge polled 208 processes a round, each a
 * fork of the lab's Node process (~27 ms under bring-up's load); this is one.
 */
import { LabError } from "../../errors.js";
import type { KernelRoutesOf } from "../../fabric/routes-of.js";
import { kernelRoutesCommand, parseKernelRoutes, type KernelRoute, type RouteFamily } from "../../probes/index.js";
import { runLocal } from "../../transport/local.js";
import { IP } from "./namespaces.js";
import { namespaceOf } from "./plan.js";

/** Starts each namespace's section of the output. */
const MARK = "@@fabricspec-netns ";

/**
 * The script: for each namespace given as an argument, the mark, then its routes or `!EXIT` when ip
 * failed; `$1` is the family option (`-4` or `-6`), one family a section.
 */
const SCRIPT = `f=$1; shift; for ns in "$@"; do printf '\\n${MARK}%s\\n' "$ns"; ${IP} -n "$ns" "$f" -j route show 2>&1 || printf '\\n!%s\\n' "$?"; done`;

export const kernelRoutesInNamespaces: KernelRoutesOf = async (switches, families) => {
  const all = new Map<string, KernelRoute[]>();
  for (const family of families) {
    const result = await runLocal(["sh", "-c", SCRIPT, "sh", family === "ipv6" ? "-6" : "-4", ...switches.map(namespaceOf)], { timeoutMs: 30_000 });
    if (result.exitCode !== 0) throw new LabError(`could not read the switches' kernel routes: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
    for (const [sw, routes] of parseSections(result.stdout, switches, family)) all.set(sw, [...(all.get(sw) ?? []), ...routes]);
  }
  return all;
};

/** Splits the script's output by namespace and parses each as `ip -j route show` (probes/routes.ts). */
export function parseSections(stdout: string, switches: readonly string[], family: RouteFamily = "ipv4"): Map<string, KernelRoute[]> {
  const routes = new Map<string, KernelRoute[]>();
  for (const section of stdout.split(`\n${MARK}`).slice(1)) {
    const newline = section.indexOf("\n");
    const ns = section.slice(0, newline);
    const sw = switches.find((s) => namespaceOf(s) === ns);
    if (sw === undefined) continue;
    const body = section.slice(newline + 1);
    const failed = /\n!(\d+)\n?$/.exec(`\n${body}`);
    const output = failed ? body.slice(0, body.lastIndexOf("\n!")) : body;
    routes.set(
      sw,
      parseKernelRoutes({
        command: ["ip", "-n", ns, ...kernelRoutesCommand(family).slice(1)],
        exitCode: failed ? Number(failed[1]) : 0,
        stdout: failed ? "" : output,
        stderr: failed ? output : "",
        durationMs: 0,
      }, family),
    );
  }
  return routes;
}
