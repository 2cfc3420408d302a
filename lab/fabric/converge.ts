/** Waiting for a fabric to converge: every session Established, every expected route installed. */
import { ConvergenceError, LabError } from "../errors.js";
import type { Budget } from "../expect/budgets.js";
import { eventually, type Settled } from "../expect/eventually.js";
import { kernelRoutes, ProbeError } from "../probes/index.js";
import type { Topology } from "../topology/model.js";
import type { CommandRunner } from "../transport/runner.js";
import { routeFindings } from "./judge.js";
import { judge, observe } from "./measure.js";

/** What is still wrong in the fabric's kernel routes, across all switches. */
async function routingFindings(t: Topology, runnerOf: (node: string) => CommandRunner): Promise<string[]> {
  const perSwitch = await Promise.all(
    t.switches.map(async (sw) => routeFindings(t, sw, (await kernelRoutes(runnerOf(sw.name))).value)),
  );
  return perSwitch.flat();
}

/** What is still wrong in the fabric, sessions and routes, across all switches (empty when converged). */
export async function fabricFindings(t: Topology, runnerOf: (node: string) => CommandRunner): Promise<string[]> {
  return judge(t, t, await observe(t.switches.map((s) => s.name), runnerOf));
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
): Promise<Settled<void>> {
  try {
    // Kernel routes first: `ip route` costs a few milliseconds where vtysh costs sixty, and the
    // routes cannot all be there before the sessions are. Then everything, once it holds.
    const notConverged = async (find: typeof fabricFindings) => {
      const findings = await find(t, runnerOf);
      if (findings.length > 0) throw new ConvergenceError(`the fabric has not converged:\n  ${findings.join("\n  ")}`);
    };
    const routes = await eventually(() => notConverged(routingFindings), budget, { signal });
    const all = await eventually(() => notConverged(fabricFindings), budget, { signal });
    return { value: undefined, attempts: routes.attempts + all.attempts, elapsedMs: routes.elapsedMs + all.elapsedMs };
  } catch (error) {
    if (error instanceof ProbeError || error instanceof ConvergenceError || signal?.aborted) throw error;
    throw new LabError("waiting for the fabric failed", { cause: error });
  }
}
