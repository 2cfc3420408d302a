/**
 * A topology as a containerlab lab (https://containerlab.dev): the `.clab.yml`, each switch's
 * rendered frr.conf and FRR daemons file, and the inventory that lets the inventory driver run
 * the same features against the deployed lab. Pure: the files as text, written by lab/cli/export.ts.
 *
 * - Switches are `linux` nodes running the FRR image (containerlab has no FRR kind of its own;
 *   its FRR examples are linux nodes, too) with /etc/frr/frr.conf and /etc/frr/daemons bound in.
 *   Their daemons are started by FRR's own per-daemon script (watchfrr.sh start DAEMON: the
 *   daemons file's options, then `vtysh -b` for that daemon's part of frr.conf), not under
 *   watchfrr, so that a failure scenario's stopped bgpd stays stopped until it is started again,
 *   as on the embedded lab (inventory frr.control: pidfile).
 * - Addresses, the rack bridge, the hosts' addresses and default route are set by `exec` after the
 *   container starts: FRR's zebra learns them as they appear.
 * - Every node gets sshd (one lab host key, a lab client key) on a fixed management address, which
 *   the inventory names.
 */
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { UsageError } from "../errors.js";
import { FRR_BIN_DIR, FRR_DAEMONS, FRR_SWITCH, PACKAGED_FRR } from "../kinds/frr.js";
import { HOST } from "../kinds/host.js";
import type { NodeKind } from "../kinds/kind.js";
import { renderFrrConfig } from "../render/frr.js";
import { ipToNumber, numberToIp, parseCidr } from "../topology/ip.js";
import type { Host, Switch, Topology } from "../topology/model.js";

export interface ContainerlabOptions {
  /** FRR's container image (Alpine-based, as FRR publishes it). */
  readonly switchImage: string;
  readonly hostImage: string;
  /** The management network's subnet; nodes get addresses from its 11th up. */
  readonly mgmtSubnet: string;
  /** Where the export's files are, as containerlab resolves binds: relative to the .clab.yml. */
  readonly dir: string;
  /** Absolute paths of the lab's SSH files for the inventory (the machine that runs fabricspec). */
  readonly ssh: { readonly identityFile: string; readonly knownHostsFile: string; readonly hostPublicKey: string };
}

export const DEFAULTS = {
  // The FRR line the embedded lab runs (Debian 12: 8.4.4); FRR's own image of that line.
  switchImage: "quay.io/frrouting/frr:8.4.2",
  hostImage: "alpine:3.20",
  mgmtSubnet: "172.20.20.0/24",
} as const;

/** Every file of the export, by path relative to the .clab.yml's folder. */
export interface ContainerlabExport {
  readonly clab: Record<string, unknown>;
  readonly files: ReadonlyMap<string, string>;
  readonly inventory: Record<string, unknown>;
}

/**
 * The Alpine packages of the programs a node needs (its kind's probe tools, sshd, and bash for
 * FRR's scripts), for images that lack them; vtysh comes with the FRR image. Alpine's names, not
 * Debian's (lab/packages.ts): FRR publishes its images on Alpine.
 */
const ALPINE_PACKAGE: Readonly<Record<string, string | undefined>> = {
  ip: "iproute2",
  ping: "iputils",
  traceroute: "traceroute",
  fping: "fping",
  sshd: "openssh-server",
  bash: "bash",
  vtysh: undefined,
};
/** How a shell tells the program is there, and the right one: the probes parse iputils ping and iproute2 ip, not busybox's. */
const PRESENT: Readonly<Record<string, string>> = {
  ping: "ping -V >/dev/null 2>&1",
  ip: "ip -j link >/dev/null 2>&1",
};

/** The shell line that installs what a node of `kind` lacks (and does nothing on an image that has it). */
export function toolsFor(kind: NodeKind): string {
  const programs = [...new Set([...kind.probeTools, "sshd", "bash"])].filter((p) => ALPINE_PACKAGE[p] !== undefined || !(p in ALPINE_PACKAGE));
  const present = programs.map((p) => PRESENT[p] ?? `command -v ${p} >/dev/null`).join(" && ");
  const packages = [...new Set(programs.map((p) => ALPINE_PACKAGE[p] ?? p))].join(" ");
  return `${present} || apk add --no-cache ${packages}`;
}

const SSHD = "/usr/sbin/sshd -o PermitRootLogin=prohibit-password -o HostKey=/etc/ssh/ssh_host_ed25519_key";
/** FRR's own start of one daemon with the daemons file's options, then its part of frr.conf. */
const FRR_START = [join(FRR_BIN_DIR, "watchfrr.sh"), "start", "%d"];
/** FRR starts these whatever the daemons file says. */
const ALWAYS_ON = new Set(["zebra", "staticd"]);

/** FRR's daemons file for a switch: the daemons the lab runs, with the options FRR packages by default. */
export function renderDaemons(sw: Switch): string {
  const lines = [`# ${sw.name}: rendered by fabricspec; zebra and staticd always run`];
  for (const daemon of FRR_DAEMONS) if (!ALWAYS_ON.has(daemon)) lines.push(`${daemon}=yes`);
  lines.push("vtysh_enable=yes", 'frr_profile="datacenter"');
  for (const daemon of FRR_DAEMONS) lines.push(`${daemon}_options="-A 127.0.0.1${daemon === "zebra" ? " -s 90000000" : ""}"`);
  return `${lines.join("\n")}\n`;
}

/** The management addresses: one per node, from the subnet's 11th address, switches first. */
export function managementAddresses(t: Topology, subnet: string): Map<string, string> {
  const cidr = parseCidr(subnet);
  if (!cidr) throw new UsageError(`the management subnet "${subnet}" is not an IPv4 prefix like 172.20.20.0/24`);
  const names = [...t.switches, ...t.hosts].map((n) => n.name);
  const first = ipToNumber(cidr.address) + 11;
  const size = 2 ** (32 - cidr.prefixLength);
  if (names.length + 11 >= size) {
    throw new UsageError(`the management subnet ${subnet} holds ${Math.max(0, size - 12)} nodes; topology "${t.name}" has ${names.length}`, {
      hint: `give a wider one, e.g. --mgmt-subnet 172.20.0.0/${Math.max(8, 32 - Math.ceil(Math.log2(names.length + 12)))}`,
    });
  }
  return new Map(names.map((name, i) => [name, numberToIp(first + i)]));
}

const sh = (script: string) => `sh -c '${script}'`;

/** The lab's SSH files in the export's folder; lab/cli/export.ts makes the keys. */
export const SSH_FILES = {
  clientKey: "ssh/id_ed25519",
  hostKey: "ssh/ssh_host_ed25519_key",
  authorizedKeys: "ssh/authorized_keys",
  knownHosts: "ssh/known_hosts",
} as const;

function sshSetup(dir: string, kind: NodeKind): { binds: string[]; exec: string[] } {
  return {
    binds: [`${dir}/${SSH_FILES.hostKey}:/etc/ssh/ssh_host_ed25519_key:ro`, `${dir}/${SSH_FILES.authorizedKeys}:/root/.ssh/authorized_keys:ro`],
    // Installing needs the container's default route, the management network's: before the fabric's.
    exec: [sh(toolsFor(kind)), SSHD],
  };
}

function switchNode(t: Topology, sw: Switch, options: ContainerlabOptions, mgmt: string): Record<string, unknown> {
  const ssh = sshSetup(options.dir, FRR_SWITCH);
  const hostPorts = t.hosts.filter((h) => h.leaf === sw.name).map((h) => h.leafPort);
  const addressing = [
    `ip addr add ${sw.loopback}/32 dev lo`,
    // Unnumbered: no address, IPv6 on for the link-local address BGP runs over (as in the netns lab).
    ...sw.interfaces.map((i) => (i.unnumbered ? `sysctl -qw net.ipv6.conf.${i.name}.disable_ipv6=0` : `ip addr add ${i.cidr} dev ${i.name}`)),
    ...(sw.rack
      ? [
          `ip link add ${sw.rack.bridge} type bridge`,
          ...hostPorts.map((port) => `ip link set ${port} master ${sw.rack?.bridge}`),
          `ip addr add ${sw.rack.gateway}/${sw.rack.prefixLength} dev ${sw.rack.bridge}`,
          `ip link set ${sw.rack.bridge} up`,
        ]
      : []),
  ];
  return {
    group: "switches",
    "mgmt-ipv4": mgmt,
    binds: [`${options.dir}/${sw.name}/frr.conf:${PACKAGED_FRR.configFile}`, `${options.dir}/${sw.name}/daemons:${dirname(PACKAGED_FRR.configFile)}/daemons`, ...ssh.binds],
    exec: [...ssh.exec, ...addressing, ...FRR_DAEMONS.map((d) => FRR_START.map((a) => a.replace("%d", d)).join(" "))],
  };
}

function hostNode(h: Host, options: ContainerlabOptions, mgmt: string): Record<string, unknown> {
  const ssh = sshSetup(options.dir, HOST);
  return {
    group: "hosts",
    "mgmt-ipv4": mgmt,
    binds: ssh.binds,
    exec: [
      ...ssh.exec,
      `ip addr add ${h.address}/${h.prefixLength} dev ${h.interface}`,
      `ip link set ${h.interface} up`,
      // The fabric carries the host's traffic; the management network stays reachable as connected.
      `ip route replace default via ${h.gateway} dev ${h.interface}`,
    ],
  };
}

/** Each link once: the switch-to-switch links (by interface name), then each host to its leaf's port. */
function links(t: Topology): { endpoints: [string, string] }[] {
  const seen = new Set<string>();
  const out: { endpoints: [string, string] }[] = [];
  for (const sw of t.switches) {
    for (const i of sw.interfaces) {
      const here = `${sw.name}:${i.name}`;
      const there = `${i.peer.node}:${i.peer.interface}`;
      if (seen.has(there)) continue;
      seen.add(here);
      out.push({ endpoints: [here, there] });
    }
  }
  for (const h of t.hosts) out.push({ endpoints: [`${h.name}:${h.interface}`, `${h.leaf}:${h.leafPort}`] });
  return out;
}

/** IPv6 on in a switch container (Docker's default is off), set when the container is made. */
const IPV6_ON = { "net.ipv6.conf.all.disable_ipv6": 0, "net.ipv6.conf.default.disable_ipv6": 0 };

export function containerlabExport(t: Topology, options: ContainerlabOptions): ContainerlabExport {
  const mgmt = managementAddresses(t, options.mgmtSubnet);
  const address = (name: string) => mgmt.get(name) ?? "";
  const nodes: Record<string, unknown> = {};
  const unnumbered = t.switches.some((sw) => sw.interfaces.some((i) => i.unnumbered));
  for (const sw of t.switches) nodes[sw.name] = switchNode(t, sw, options, address(sw.name));
  for (const h of t.hosts) nodes[h.name] = hostNode(h, options, address(h.name));
  const clab = {
    name: t.name,
    mgmt: { network: `fabricspec-${t.name}`, "ipv4-subnet": options.mgmtSubnet },
    topology: {
      groups: {
        // Not the image's start script, which would run the daemons under watchfrr; tini (FRR's
        // images have it) reaps a daemon a scenario kills, so that it is seen gone.
        // BGP unnumbered needs IPv6 link-local on the links, which Docker turns off by default.
        switches: { kind: "linux", image: options.switchImage, entrypoint: "/sbin/tini -- sleep infinity", sysctls: { "net.ipv4.ip_forward": 1, ...(unnumbered ? IPV6_ON : {}) } },
        hosts: { kind: "linux", image: options.hostImage, cmd: "sleep infinity" },
      },
      nodes,
      links: links(t),
    },
  };
  const files = new Map<string, string>();
  for (const sw of t.switches) {
    files.set(`${options.dir}/${sw.name}/frr.conf`, renderFrrConfig(t, sw));
    files.set(`${options.dir}/${sw.name}/daemons`, renderDaemons(sw));
  }
  const names = [...t.switches, ...t.hosts].map((n) => n.name);
  files.set(`${options.dir}/${SSH_FILES.knownHosts}`, `${names.map((n) => address(n)).join(",")} ${options.ssh.hostPublicKey.trim()}\n`);
  const inventory = {
    topology: t.name,
    defaults: {
      user: "root",
      identityFile: options.ssh.identityFile,
      knownHostsFile: options.ssh.knownHostsFile,
      frr: { control: "pidfile", pidDir: PACKAGED_FRR.pidDir, start: FRR_START },
    },
    nodes: Object.fromEntries(names.map((n) => [n, { host: address(n) }])),
  };
  return { clab, files, inventory };
}

/** The header and YAML of the .clab.yml. */
export function clabYaml(result: ContainerlabExport, source: string): string {
  const header = [
    "# yaml-language-server: $schema=https://raw.githubusercontent.com/srl-labs/containerlab/main/schemas/clab.schema.json",
    `# Generated by fabricspec export containerlab from ${source}; deploy with: containerlab deploy -t <this file>`,
    "",
  ].join("\n");
  return `${header}${stringify(result.clab, { lineWidth: 0 })}`;
}

/** The inventory's YAML, with how to run the features against the deployed lab. */
export function inventoryYaml(result: ContainerlabExport, topologyFile: string, inventoryFile: string): string {
  const header = [
    "# Generated by fabricspec export containerlab: the inventory of the containerlab lab of the same name.",
    "# After `containerlab deploy`, from the machine that runs it (the management addresses are its):",
    `#   FABRICSPEC_DRIVER=inventory FABRICSPEC_TOPOLOGY=${topologyFile} FABRICSPEC_INVENTORY=${inventoryFile} npm test`,
    "",
  ].join("\n");
  return `${header}${stringify(result.inventory, { lineWidth: 0 })}`;
}
