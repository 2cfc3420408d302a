/**
 * The reason a session is down, attached to the failed step: for every switch the step looked at,
 * each neighbor that is not Established with FRR's own account of it (the last reset and the last
 * NOTIFICATION, `show bgp neighbors X json`), and the tail of that switch's FRR log, each named by
 * switch. A switch that cannot be asked (bgpd stopped) is left to the step's own evidence.
 */
import { LabError } from "../lab/errors.js";
import { bgpNeighbor, describeDownReason } from "../lab/probes/bgp-neighbor.js";
import { bgpSummary } from "../lab/probes/bgp.js";
import { settleBounded } from "../lab/bounded.js";
import { frrLogTail } from "../lab/probes/frr-log.js";
import type { CommandRunner } from "../lab/transport/runner.js";
import type { Attach } from "./world/evidence.js";

const LOG_LINES = 40;

/** Attaches why each down session of `switches` is down; returns the reasons, one line each. */
export async function attachDownSessions(switches: readonly string[], runnerOf: (node: string) => CommandRunner, attach: Attach): Promise<string[]> {
  const reasons: string[] = [];
  await settleBounded(switches, async (name) => {
    const runner = runnerOf(name);
    try {
      const down = (await bgpSummary(runner)).value.peers.filter((p) => !p.established);
      if (down.length === 0) return;
      const details = await Promise.all(down.map((p) => bgpNeighbor(runner, p.address)));
      const lines = details.map((d, i) => describeDownReason(name, d.value, down[i]?.address ?? ""));
      reasons.push(...lines);
      attach(
        `${lines.join("\n")}\n\n${details.map((d) => d.evidence.stdout.trim()).join("\n")}\n`,
        { mediaType: "text/plain", fileName: `${name}: why ${down.map((p) => p.address).join(", ")} ${down.length === 1 ? "is" : "are"} down.txt` },
      );
      const log = await frrLogTail(runner, LOG_LINES);
      attach(log.file ? `${log.file}, last ${LOG_LINES} lines:\n${log.text}` : log.text, { mediaType: "text/plain", fileName: `${name}: FRR log, last ${LOG_LINES} lines.log` });
    } catch (error) {
      if (!(error instanceof LabError)) throw error;
    }
  });
  return reasons.sort();
}
