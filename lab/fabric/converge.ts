/** Waiting for a fabric to converge: every session Established, every expected route installed. */
import { ConvergenceError, LabError } from "../errors.js";
import type { Budget } from "../expect/budgets.js";
import { eventually, type Settled } from "../expect/eventually.js";
import { ProbeError } from "../probes/index.js";
import { familiesOf, type Topology } from "../topology/model.js";
import type { CommandRunner } from "../transport/runner.js";
import { routeFindings } from "./judge.js";
import { judge, observe } from "./measure.js";
import { kernelRoutesEach, type KernelRoutesOf } from "./routes-of.js";

/** What is still wrong in the fabric's kernel routes, across all switches. */
async function routingFindings(t: Topology, routesOf: KernelRoutesOf): Promise<string[]> {
  const routes = await routesOf(t.switches.map((s) => s.name), familiesOf(t));
  return t.switches.flatMap((sw) => routeFindings(t, sw, routes.get(sw.name) ?? []));
}

/** What is still wrong in the fabric, sessions and routes, across all switches (empty when converged). */
export async function fabricFindings(t: Topology, runnerOf: (node: string) => CommandRunner): Promise<string[]> {
  return judge(t, t, await observe(t.switches.map((s) => s.name), runnerOf, false, familiesOf(t)));
}

/**
 * Polls until the fabric has converged. A probe that cannot run (daemon not answering yet) is
 * retried like a finding; the budget's end reports what was still wrong.
 */
export async function waitForFabric(
  t: Topology,
  runnerOf: (node: string) => CommandRunner,
  budget: Budget,
  signal?: AbortSignal,
  routesOf: KernelRoutesOf = kernelRoutesEach(runnerOf),
): Promise<Settled<void>> {
  try {
    // Kernel routes first: `ip route` costs a few milliseconds where vtysh costs sixty, and the
    // routes cannot all be there before the sessions are. Then everything, once it holds.
    const notConverged = (findings: readonly string[]) => {
      if (findings.length > 0) throw new ConvergenceError(`the fabric has not converged:\n  ${findings.join("\n  ")}`);
    };
    const routes = await eventually(async () => notConverged(await routingFindings(t, routesOf)), budget, { signal });
    const all = await eventually(async () => notConverged(await fabricFindings(t, runnerOf)), budget, { signal });
    return { value: undefined, attempts: routes.attempts + all.attempts, elapsedMs: routes.elapsedMs + all.elapsedMs };
  } catch (error) {
    if (error instanceof ProbeError || error instanceof ConvergenceError || signal?.aborted) throw error;
    throw new LabError("waiting for the fabric failed", { cause: error });
  }
}
