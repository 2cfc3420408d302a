/**
 * The Calico node kind: a host that runs calico-node's BGP speaker, BIRD, with the configuration
 * lab/render/bird.ts renders from the Calico resources (as calico-node's confd renders it), and
 * routes its pods through the gateway Calico's CNI plugin gives them. On the embedded lab BIRD runs
 * in the node's namespace with its files in the node's directory, and birdc is pointed at its
 * control socket, as calico-node's own `birdcl -s /var/run/calico/bird.ctl` is. BIRD 1.6, as
 * calico-node's (lab/render/bird.ts renders its configuration).
 */
import { join } from "node:path";
import { aptInstall } from "../packages.js";
import { HOST } from "./host.js";
import type { NodeKind } from "./kind.js";

/**
 * Where BIRD 1.6 lives: Debian 12's `bird` 1.6.8 (the line calico-node's BIRD is forked from),
 * unpacked by scripts/bootstrap.mjs into the machine's cache, since its package conflicts with bird2's.
 */
export const BIRD_HOME = "/var/cache/fabricspec/bird-1.6";
export const BIRD = `${BIRD_HOME}/usr/sbin/bird`;
export const BIRDC = `${BIRD_HOME}/usr/sbin/birdc`;
/** Felix's tool for the node's forwarding and proxy ARP. */
export const SYSCTL = "/usr/sbin/sysctl";
/** The programs of a Calico node, by path. */
export const CALICO_NODE_PROGRAMS: readonly string[] = [BIRD, BIRDC, SYSCTL];
/** What installs them. */
export const CALICO_NODE_INSTALL = `${aptInstall([SYSCTL])}; node scripts/bootstrap.mjs --deb (unpacks BIRD 1.6 into ${BIRD_HOME})`;

/** BIRD's name in the lab's records and status. */
export const BIRD_DAEMON = "bird";
/** The pods' gateway, as Calico's CNI plugin sets it: the node answers for it by proxy ARP. */
export const POD_GATEWAY = "169.254.1.1";

export const CALICO_NODE: NodeKind = {
  name: "calico-node",
  probeTools: HOST.probeTools,
  ownCommand: (argv, home) => viaBirdSocket(argv, birdFiles(home).socket),
};

/** A node's BIRD files in its directory. */
export function birdFiles(dir: string): { readonly config: string; readonly socket: string; readonly pidFile: string } {
  return { config: join(dir, "bird.conf"), socket: join(dir, "bird.ctl"), pidFile: join(dir, "bird.pid") };
}

/** How BIRD starts: it daemonizes, with its configuration, control socket and PID file. */
export function birdArgv(files: ReturnType<typeof birdFiles>): string[] {
  return [BIRD, "-c", files.config, "-s", files.socket, "-P", files.pidFile];
}

/** `argv` with `birdc` pointed at the BIRD whose control socket is `socket`. */
export function viaBirdSocket(argv: readonly string[], socket: string): readonly string[] {
  return argv[0] === "birdc" ? [BIRDC, "-s", socket, ...argv.slice(1)] : argv;
}
