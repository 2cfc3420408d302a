/** What ping and traceroute print when the node has no route to the target at all. */
import type { CommandResult } from "../transport/runner.js";

// Seen on a leaf without a route: `ping: connect: Network is unreachable` (exit 2) and
// traceroute's `connect: Network is unreachable` (exit 1). The network is wrong, not the lab.
const SEND_ERROR = /(?:^|: )((?:connect|sendto|sendmsg|send): (?:Network is unreachable|No route to host))\s*$/m;

/** "connect: Network is unreachable", when that is why the command sent nothing. */
export function sendError(result: CommandResult): string | undefined {
  return SEND_ERROR.exec(result.stderr)?.[1];
}
