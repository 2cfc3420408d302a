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

/**
 * How long a converged state must hold to count as stable: a route still moving would move again
 * within milliseconds (eBGP advertises at once, MRAI 0), so one second shows it many times over.
 */
export const SETTLE_MS = 1000;

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
    /**
     * Routing around a failure. A failure the switches see at once (an interface going down, a
     * session's TCP connection closed by a dying bgpd) converges in milliseconds; a peer that
     * vanishes silently is noticed only when its hold time expires. So: the hold time, plus one
     * keepalive for the updates that follow.
     */
    failover: {
      name: "failover",
      ms: (timers.hold + timers.keepalive) * 1000,
      reason: `hold time (${timers.hold} s) + keepalive (${timers.keepalive} s)`,
      intervalMs: 50,
    },
    /**
     * Back to the baseline after a repair: a restarted bgpd waits out its 1 s start timer, a peer
     * left in Active retries within its connect-retry timer (datacenter profile: 10 s), then the
     * updates (one keepalive).
     */
    recovery: {
      name: "recovery",
      ms: (1 + 10 + timers.keepalive) * 1000,
      reason: `bgpd start timer (1 s) + connect retry (10 s) + keepalive (${timers.keepalive} s)`,
      intervalMs: 50,
    },
    /** A daemon's control socket appearing after start. */
    daemonStart: { name: "daemon_start", ms: 5_000, reason: "FRR daemon start-up", intervalMs: 10 },
    // The embedded lab's Kubernetes control plane (lab/drivers/netns/kubernetes.ts), measured on
    // the 2-core machine while other labs ran: the API server answered /readyz after about 10 s.
    /** The API server ready (/readyz, etcd included) after its processes were started. */
    apiServerReady: {
      name: "api_server_ready",
      ms: 90_000,
      reason: "etcd starts in about a second; kube-apiserver then installs its APIs and bootstraps its RBAC roles and priority classes, 10-30 s on a loaded 2-core machine",
      intervalMs: 500,
    },
    /** The controller manager and the scheduler holding their leader leases once the API server is ready. */
    controlPlaneLeases: {
      name: "control_plane_leases",
      ms: 60_000,
      reason: "each retries the API server every 2 s until it answers, then takes its lease at once (no other candidate)",
      intervalMs: 500,
    },
    /** Every host's kubelet registered its node once the kubelets were started. */
    nodesRegistered: {
      name: "nodes_registered",
      ms: 90_000,
      reason: "each kubelet waits for its containerd, then registers at once; five kubelets starting together on a loaded 2-core machine",
      intervalMs: 1_000,
    },
    /** Every node's Ready condition following the embedded lab's pod network: Ready with its CNI configuration, NotReady without. */
    nodesFollowPodNetwork: {
      name: "nodes_follow_pod_network",
      ms: 60_000,
      reason: "containerd notices its CNI configuration come or go at once; kubelet checks its runtime every 5 s and posts a changed status within its update interval (10 s); many kubelets on a loaded 2-core machine fall behind",
      intervalMs: 1_000,
    },
    // Calico on a real cluster (the Vagrant lab): bounded by downloads and Kubernetes' own
    // intervals, not by BGP timers. Estimates, as no VM has run here (docs/vagrant.md).
    /** calico-node Ready on every node after `kubectl apply` of Calico's manifest. */
    calicoNodeReady: {
      name: "calico_node_ready",
      ms: 10 * 60_000,
      reason: "every node pulls Calico's images (calico/cni and calico/node, a few hundred MB) over its own connection, then calico-node's readiness probe (BIRD and Felix live) passes",
      intervalMs: 5_000,
    },
    /** The test pods Running once calico-node is Ready. */
    testPodsRunning: {
      name: "test_pods_running",
      ms: 3 * 60_000,
      reason: "the pause image (under 1 MB) pulled, then each sandbox networked by Calico's CNI plugin",
      intervalMs: 2_000,
    },
    /** Nodes NotReady again once Calico's CNI configuration is gone. */
    podNetworkRemoved: {
      name: "pod_network_removed",
      ms: 90_000,
      reason: "containerd notices the removed CNI configuration at once; kubelet reports the node's status every 10 s, and Calico's own pods take up to a minute to terminate",
      intervalMs: 2_000,
    },
  } satisfies Record<string, Budget>;
}
