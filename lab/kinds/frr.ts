/**
 * The FRR switch kind: what runs on a switch of the fabric, whichever driver made it. FRR's
 * daemons with the configuration lab/render/frr.ts renders, vtysh reaching the switch's own FRR,
 * and the two ways FRR runs:
 *   packaged  as Debian and Cumulus Linux install it: one integrated /etc/frr/frr.conf, the frr
 *             service, watchfrr restarting any daemon that dies (Vagrant's switches, real ones);
 *   embedded  daemon by daemon without watchfrr, every file of a switch in one directory, vtysh
 *             pointed at it with --vty_socket (the netns lab, and an inventory of such a lab).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { aptInstall } from "../packages.js";
import { FRR_DAEMONS, type FrrDaemon } from "../render/frr.js";
import { HOST } from "./host.js";
import type { NodeKind } from "./kind.js";

export { FRR_DAEMONS, type FrrDaemon };

/** Where Debian's frr package puts the daemons. */
export const FRR_BIN_DIR = "/usr/lib/frr";
export const VTYSH = "/usr/bin/vtysh";
/** The user and group the daemons run as, and whose files they read. */
const FRR_USER = "frr";

/** The programs of an FRR switch, by path: its daemons, then vtysh. */
export const FRR_PROGRAMS: ReadonlyArray<{ readonly name: string; readonly path: string }> = [
  ...FRR_DAEMONS.map((name) => ({ name, path: join(FRR_BIN_DIR, name) })),
  { name: "vtysh", path: VTYSH },
];

/** What installs FRR (and the user frr its daemons run as). */
export const FRR_INSTALL = aptInstall(FRR_PROGRAMS.map((p) => p.name));

export const FRR_SWITCH: NodeKind = {
  name: "frr",
  probeTools: ["vtysh", "ip", ...HOST.probeTools],
  ownCommand: (argv, home) => viaVtysh(argv, vtyshAt(home)),
};

/** vtysh reaching the FRR whose vty sockets are in `socketDir`. */
export function vtyshAt(socketDir: string): readonly string[] {
  return ["vtysh", "--vty_socket", socketDir];
}

/** `argv` with `vtysh` replaced by the command that reaches the switch's own FRR (with sudo, --vty_socket, ...). */
export function viaVtysh(argv: readonly string[], vtysh: readonly string[]): readonly string[] {
  return argv[0] === "vtysh" ? [...vtysh, ...argv.slice(1)] : argv;
}

/** FRR's daemons are named so (zebra, bgpd, ospfd, staticd, ...): a name that is not could not be one. */
export function isFrrDaemonName(name: string): boolean {
  return /^[a-z0-9]+d$/.test(name);
}

// Packaged FRR.

/** Packaged FRR: its integrated configuration, its service, where its daemons write their PID files, and vtysh as it is. */
export const PACKAGED_FRR = {
  configFile: "/etc/frr/frr.conf",
  service: "frr",
  pidDir: "/var/run/frr",
  vtysh: ["vtysh"] as readonly string[],
} as const;

/** A command for a switch, with what goes to its standard input. */
export interface SwitchCommand {
  readonly argv: readonly string[];
  readonly input?: string;
}

/** Installs an integrated configuration (renderFrrConfig) and restarts FRR to read it. */
export function configurePackaged(config: string): SwitchCommand[] {
  return [{ argv: ["tee", PACKAGED_FRR.configFile], input: config }, { argv: frrService("restart") }];
}

/** The FRR service, started, stopped or restarted (a restart reads frr.conf again). */
export function frrService(action: "start" | "stop" | "restart", service: string = PACKAGED_FRR.service): readonly string[] {
  return ["systemctl", action, service];
}

/** One daemon stopped as a crash (SIGKILL); under watchfrr it comes back from frr.conf, without what vtysh changed since. */
export function crashDaemon(daemon: string): readonly string[] {
  return ["pkill", "-KILL", "-x", daemon];
}

/** A daemon's own PID file in a PID directory. */
export function pidFileIn(pidDir: string, daemon: string): string {
  return `${pidDir}/${daemon}.pid`;
}

// Embedded FRR.

/** One switch's FRR files, all in its directory (which is also its vty socket directory). */
export interface FrrFiles {
  readonly dir: string;
  config(daemon: FrrDaemon): string;
  pidFile(daemon: FrrDaemon): string;
  /** zebra's API socket: the other daemons connect to it. */
  readonly zserv: string;
  readonly log: string;
}

export function frrFiles(dir: string): FrrFiles {
  return {
    dir,
    config: (daemon) => join(dir, `${daemon}.conf`),
    pidFile: (daemon) => pidFileIn(dir, daemon),
    zserv: join(dir, "zserv.api"),
    log: join(dir, "frr.log"),
  };
}

/**
 * How an embedded daemon starts: it daemonizes (-d), with its own configuration (or the integrated
 * frr.conf, of which each daemon applies its own commands), PID file and sockets, as user frr.
 */
export function daemonArgv(daemon: FrrDaemon, files: FrrFiles, config: string = files.config(daemon)): string[] {
  return [
    join(FRR_BIN_DIR, daemon), "-d",
    "-f", config,
    "-i", files.pidFile(daemon),
    "-z", files.zserv,
    "--vty_socket", files.dir,
    "-u", FRR_USER, "-g", FRR_USER,
    "-P", "0", // no vty TCP port: vtysh uses the socket
    "--log", `file:${files.log}`,
  ];
}

/**
 * What a daemon must have made before the next one starts (FRR_DAEMONS is the start order): zebra
 * its API socket, which bgpd connects to as it starts.
 */
export function readyWhen(daemon: FrrDaemon, files: FrrFiles): string | undefined {
  return daemon === "zebra" ? files.zserv : undefined;
}

/** True for the command line of an FRR daemon. */
export function isFrrProgram(command: string): boolean {
  return command.startsWith(FRR_BIN_DIR);
}

/**
 * A daemon's crash-log directories, `/var/tmp/frr/<daemon>.<pid>/`, named after its PID before and
 * after it daemonized. A daemon stopped by SIGTERM removes its own; one killed leaves it behind.
 */
export function crashLogDirs(daemon: string, pids: readonly number[]): string[] {
  return pids.map((pid) => join("/var/tmp/frr", `${daemon}.${pid}`));
}

/** The user frr (the frr package creates it), whom the daemons run as and whose files they read. */
export function frrUser(): { uid: number; gid: number } | undefined {
  let passwd = "";
  try {
    passwd = readFileSync("/etc/passwd", "utf8");
  } catch {
    return undefined;
  }
  const [, , uid, gid] = passwd.split("\n").find((l) => l.startsWith(`${FRR_USER}:`))?.split(":") ?? [];
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
}
