/**
 * Which Debian (and Ubuntu) package installs each program the lab runs or probes with: one table
 * for the preflights' fixes, the probes' hints and the packages each kind needs.
 */
import { basename } from "node:path";

const DEBIAN_PACKAGE: Readonly<Record<string, string>> = {
  ip: "iproute2",
  ping: "iputils-ping",
  fping: "fping",
  traceroute: "traceroute",
  vtysh: "frr",
  zebra: "frr",
  bgpd: "frr",
  staticd: "frr",
  bird: "bird",
  birdc: "bird",
  sysctl: "procps",
  sshd: "openssh-server",
  "ssh-keygen": "openssh-client",
  nc: "netcat-openbsd",
  openssl: "openssl",
  nsenter: "util-linux",
  "start-stop-daemon": "dpkg",
};

/** The package of a program, by its name or path, when we know it. */
export function debianPackage(program: string): string | undefined {
  return DEBIAN_PACKAGE[basename(program)];
}

/** The packages of these programs, each once; a program we know no package for stands for itself. */
export function debianPackages(programs: readonly string[]): string[] {
  return [...new Set(programs.map((p) => debianPackage(p) ?? p))];
}

/** `apt-get install -y PACKAGE...`: what installs these programs. */
export function aptInstall(programs: readonly string[]): string {
  return `apt-get install -y ${debianPackages(programs).join(" ")}`;
}

/** The install command for a program we know, for a "command not found". */
export function installHint(program: string): string | undefined {
  return debianPackage(program) === undefined ? undefined : aptInstall([program]);
}
