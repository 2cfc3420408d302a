/**
 * How long the lab may take to reach a state, in one table (netlab's wait_times.yml). Each budget
 * is derived from the BGP timers in effect, so a slower fabric gets a proportionally longer wait.
 */
export interface Budget {
  readonly name: string;
  readonly ms: number;
  /** What bounds it, for reports. */
  readonly reason: string;
  /** Polling interval. */
  readonly intervalMs: number;
}

export interface Timers {
  readonly keepalive: number;
  readonly hold: number;
}

export function budgets(timers: Timers) {
  return {
    /**
     * From daemons started to every session Established and every prefix installed: bgpd's 1 s
     * start timer, a connect retry if the peer was not listening yet, one keepalive, the updates.
     */
    convergence: {
      name: "convergence",
      ms: 10_000 + timers.keepalive * 1000,
      reason: `bgpd start timer (1 s) + connect retry + keepalive (${timers.keepalive} s)`,
      intervalMs: 50,
    },
    /** A session Established in a running lab: the hold time covers a peer that just came back. */
    ebgpSession: {
      name: "ebgp_session",
      ms: timers.hold * 1000 + 5_000,
      reason: `hold time (${timers.hold} s) + 5 s to reconnect`,
      intervalMs: 200,
    },
    /** A route in the kernel once its session is up: updates go out at once (MRAI 0 on eBGP). */
    routeInstalled: {
      name: "route_installed",
      ms: timers.keepalive * 1000 + 2_000,
      reason: `one keepalive (${timers.keepalive} s) + 2 s for bgpd and zebra`,
      intervalMs: 100,
    },
    /** A daemon's control socket appearing after start. */
    daemonStart: { name: "daemon_start", ms: 5_000, reason: "FRR daemon start-up", intervalMs: 10 },
  } satisfies Record<string, Budget>;
}
