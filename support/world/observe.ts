/** Running a probe for a step: failed when the network is wrong, broken when the lab is. */
import { AssertionError } from "chai";
import { ProbeError } from "../../lab/probes/index.js";

/**
 * A daemon that is not running (a switch whose bgpd died, a node whose BIRD did) is the network
 * being wrong, so it fails the step; any other probe failure means the lab is broken.
 */
export async function observe<T>(node: string, what: string, probe: () => Promise<{ value: T }>): Promise<T> {
  try {
    return (await probe()).value;
  } catch (error) {
    const stopped = notRunning(error);
    if (stopped) throw new AssertionError(`${node}: ${stopped} is not running (expected ${what} to answer)`);
    throw error;
  }
}

/** The daemon a probe found not running: FRR's words for its daemons, the BIRD probe's for BIRD. */
function notRunning(error: unknown): string | undefined {
  if (!(error instanceof ProbeError)) return undefined;
  if (/could not reach BIRD/.test(error.message)) return "BIRD";
  return /(\w+d) is not running/.exec(error.evidence.stderr)?.[1];
}
