/**
 * The provisioner's plan: what turns a bare Linux machine with FRR installed into its switch of
 * the topology, as pure data (commands and files with their content), so that it can be printed
 * (`fabricspec lab plan`) and tested without any machine, and run by ./execute.ts over any
 * CommandRunner (SSH). Each step says how to tell it is already in place (its checks), what makes
 * it so (its commands), and how to fix it when it fails; a second run finds every check passing
 * and changes nothing.
 */
import { FRR_DAEMONS } from "../kinds/frr.js";
import { renderFrrConfig } from "../render/frr.js";
import type { Switch, Topology } from "../topology/model.js";
import { formatCommand } from "../transport/runner.js";
import { ipv6Sysctls } from "./sysctls.js";
import type { FrrTarget } from "./target.js";

/** One command of a step: an argument vector, with what goes to its standard input. */
export interface PlannedCommand {
  readonly argv: readonly string[];
  readonly input?: string;
  /** Exit codes that are not a failure (default: 0 only). */
  readonly okExitCodes?: readonly number[];
  /** The fix when this command fails, when it is not the step's. */
  readonly fix?: string;
}

/** A check: the step is in place when the command exits 0 and its output holds every string of `stdoutIncludes`. */
export interface PlannedCheck {
  readonly argv: readonly string[];
  readonly input?: string;
  readonly stdoutIncludes?: readonly string[];
}

/** A file a step writes, shown with its content in the plan. */
export interface PlannedFile {
  readonly path: string;
  readonly content: string;
}

export interface ProvisionStep {
  /** Names the step in progress, evidence and errors, e.g. "link swp51", "frr.conf". */
  readonly name: string;
  /** All pass: the step is in place and nothing is run. */
  readonly checks: readonly PlannedCheck[];
  readonly commands: readonly PlannedCommand[];
  /** Run when a command fails, so that nothing of the failed step is left behind. */
  readonly cleanup?: readonly PlannedCommand[];
  /** Run also when its checks pass, if an earlier step changed something (FRR restarted to read a new frr.conf). */
  readonly rerunAfterChange?: boolean;
  readonly files?: readonly PlannedFile[];
  /** What to do when it fails. */
  readonly fix: string;
}

/** One machine's steps, in order. */
export interface MachinePlan {
  readonly machine: string;
  /** How FRR runs there (packaged, embedded, ...). */
  readonly frr: string;
  /** Its FRR release, as the rendered frr.conf assumes it (lab/render/frr-release.ts); none on a host. */
  readonly release?: string;
  readonly steps: readonly ProvisionStep[];
}

/** Every daemon the daemons file lists, off unless the fabric runs it (FRR's tools/etc/frr/daemons). */
const DAEMONS_FILE_NAMES = ["bgpd", "ospfd", "ospf6d", "ripd", "ripngd", "isisd", "pimd", "ldpd", "nhrpd", "eigrpd", "babeld", "sharpd", "pbrd", "bfdd", "fabricd", "vrrpd", "pathd"];

/**
 * FRR's daemons file: which daemons its init script (frrinit.sh, Cumulus' frr service) starts.
 * Off by default on Cumulus Linux 3.7 (zebra and bgpd too) and in Debian's package (bgpd).
 * zebra and staticd are listed: FRR 7+ starts them anyway, Cumulus 3.7's FRR 4 reads zebra's line.
 */
export function renderDaemonsFile(sw: Switch): string {
  const on = new Set<string>(FRR_DAEMONS);
  return [
    `# ${sw.name}: rendered by fabricspec; the daemons FRR's init starts (FRR user guide, "Daemons Configuration File")`,
    `zebra=${on.has("zebra") ? "yes" : "no"}`,
    ...DAEMONS_FILE_NAMES.map((d) => `${d}=${on.has(d) ? "yes" : "no"}`),
    `staticd=${on.has("staticd") ? "yes" : "no"}`,
    "vtysh_enable=yes",
    'zebra_options="  -A 127.0.0.1 -s 90000000"',
    'bgpd_options="   -A 127.0.0.1"',
    'staticd_options="-A 127.0.0.1"',
    "",
  ].join("\n");
}

const upFlag = ",UP"; // in `ip -o link` flags <BROADCAST,MULTICAST,UP,LOWER_UP>; LOWER_UP alone does not match

function linkUp(name: string, extra: readonly string[] = []): PlannedCheck {
  return { argv: ["ip", "-o", "link", "show", "dev", name], stdoutIncludes: [upFlag, ...extra] };
}

function hasAddress(name: string, cidr: string): PlannedCheck {
  return { argv: ["ip", "-o", "addr", "show", "dev", name], stdoutIncludes: [`inet ${cidr} `] };
}

/** A file written as root, then given to FRR's user: its content on stdin, never on a command line. */
function writeFile(path: string, content: string): PlannedCommand[] {
  return [
    { argv: ["dd", `of=${path}`, "status=none"], input: content },
    { argv: ["chown", "frr:frr", path] },
    { argv: ["chmod", "0640", path] },
  ];
}

/** The steps that make `sw` of topology `t` on a machine whose FRR runs as `frr` says. */
export function planSwitch(t: Topology, sw: Switch, frr: FrrTarget): MachinePlan {
  const steps: ProvisionStep[] = [];
  const sysctls = ["net.ipv4.ip_forward=1", ...ipv6Sysctls(sw)];
  steps.push({
    name: "forwarding",
    checks: sysctls.map((s) => {
      const [key, value] = s.split("=");
      return { argv: ["sysctl", "-n", key ?? s], stdoutIncludes: [value ?? ""] };
    }),
    commands: [{ argv: ["sysctl", "-qw", ...sysctls] }],
    fix: "the machine's kernel must let root set these sysctls (not a container without CAP_NET_ADMIN)",
  });
  steps.push({
    name: "loopback",
    checks: [linkUp("lo"), hasAddress("lo", `${sw.loopback}/32`)],
    commands: [{ argv: ["ip", "addr", "replace", `${sw.loopback}/32`, "dev", "lo"] }, { argv: ["ip", "link", "set", "lo", "up"] }],
    fix: "ip addr replace needs root (Vagrant and inventory endpoints: sudo: true)",
  });
  for (const i of sw.interfaces) {
    steps.push({
      name: `link ${i.name}`,
      checks: [linkUp(i.name), ...(i.unnumbered ? [] : [hasAddress(i.name, i.cidr)])],
      commands: [
        { argv: ["ip", "link", "show", "dev", i.name], fix: missingInterfaceFix(i.name, `${i.peer.node} ${i.peer.interface}`) },
        ...(i.unnumbered ? [] : [{ argv: ["ip", "addr", "replace", i.cidr, "dev", i.name] }]),
        { argv: ["ip", "link", "set", i.name, "up"] },
      ],
      fix: missingInterfaceFix(i.name, `${i.peer.node} ${i.peer.interface}`),
    });
  }
  if (sw.rack) {
    const { bridge, gateway, prefixLength } = sw.rack;
    steps.push({
      name: `rack bridge ${bridge}`,
      checks: [{ argv: ["ip", "-o", "link", "show", "dev", bridge] }],
      commands: [{ argv: ["ip", "link", "add", bridge, "type", "bridge"] }],
      fix: "the kernel needs the bridge module (modprobe bridge)",
    });
    for (const host of t.hosts.filter((h) => h.leaf === sw.name)) {
      steps.push({
        name: `rack port ${host.leafPort}`,
        checks: [linkUp(host.leafPort, [`master ${bridge} `])],
        commands: [
          { argv: ["ip", "link", "show", "dev", host.leafPort], fix: missingInterfaceFix(host.leafPort, `${host.name} ${host.interface}`) },
          { argv: ["ip", "link", "set", host.leafPort, "master", bridge] },
          { argv: ["ip", "link", "set", host.leafPort, "up"] },
        ],
        fix: missingInterfaceFix(host.leafPort, `${host.name} ${host.interface}`),
      });
    }
    steps.push({
      name: "rack gateway",
      checks: [linkUp(bridge), hasAddress(bridge, `${gateway}/${prefixLength}`)],
      commands: [{ argv: ["ip", "addr", "replace", `${gateway}/${prefixLength}`, "dev", bridge] }, { argv: ["ip", "link", "set", bridge, "up"] }],
      fix: `the bridge ${bridge} must exist (step "rack bridge ${bridge}")`,
    });
  }
  const daemons = renderDaemonsFile(sw);
  steps.push({
    name: "daemons file",
    checks: [{ argv: ["cmp", "-s", frr.daemonsFile(sw.name), "-"], input: daemons }],
    commands: writeFile(frr.daemonsFile(sw.name), daemons),
    files: [{ path: frr.daemonsFile(sw.name), content: daemons }],
    fix: `FRR must be installed (${frr.install}): its directory and user frr come with it`,
  });
  const config = renderFrrConfig(t, sw, frr.release);
  const target = frr.configFile(sw.name);
  const candidate = `${target}.fabricspec-new`;
  steps.push({
    name: "frr.conf",
    checks: [{ argv: ["cmp", "-s", target, "-"], input: config }],
    commands: [
      ...writeFile(candidate, config),
      // FRR's own dry run: every line parsed by vtysh as the daemons would, before anything runs it.
      { argv: [...frr.vtysh(sw.name), "-C", "-f", candidate], fix: `FRR on ${sw.name} rejects the rendered configuration: its version may not know a command the renderer emits (docs/vagrant.md, "switch images")` },
      { argv: ["mv", "-f", candidate, target] },
    ],
    cleanup: [{ argv: ["rm", "-f", candidate] }],
    files: [{ path: target, content: config }],
    fix: `FRR must be installed (${frr.install})`,
  });
  steps.push(...frr.load(sw.name));
  return { machine: sw.name, frr: frr.name, release: frr.release.name, steps };
}

function missingInterfaceFix(name: string, peer: string): string {
  return `the machine needs an interface named ${name}, linked to ${peer} as the topology says (Vagrant: the "interfaces" provisioner renames each NIC by its MAC; a real switch: rename the port or fix the topology)`;
}

/** The plan as a person reads it: per step, what is checked, the commands, and the files with their content. */
export function formatMachinePlan(plan: MachinePlan): string {
  const out = [`${plan.machine} (FRR ${plan.frr}${plan.release === undefined ? "" : `, release ${plan.release}`}):`];
  plan.steps.forEach((step, n) => {
    out.push(`  ${n + 1}. ${step.name}${step.rerunAfterChange ? " (also when an earlier step changed something)" : ""}`);
    for (const c of step.checks) out.push(`     in place when: ${formatCommand(c.argv)}${c.stdoutIncludes?.length ? ` shows ${c.stdoutIncludes.map((s) => JSON.stringify(s)).join(", ")}` : " exits 0"}`);
    for (const c of step.commands) out.push(`     run: ${formatCommand(c.argv)}${c.input !== undefined ? " < (content below)" : ""}`);
    for (const f of step.files ?? []) out.push(`     file ${f.path}:`, ...f.content.trimEnd().split("\n").map((l) => `       | ${l}`));
  });
  return out.join("\n");
}

/** What a driver's bring-up would do, for `fabricspec lab plan`: nothing in it has run. */
export interface LabPlan {
  readonly driver: string;
  readonly topology: string;
  /** What happens before the machines are provisioned (machines created, links wired), in order. */
  readonly before: readonly string[];
  readonly machines: readonly MachinePlan[];
  /** What happens after (convergence, Kubernetes), in order. */
  readonly after: readonly string[];
}

/** The whole plan as a person reads it. */
export function formatLabPlan(plan: LabPlan): string {
  const out = [`bring-up of topology "${plan.topology}" with the ${plan.driver} driver (nothing below has run):`, ""];
  if (plan.before.length > 0) out.push("before the switches:", ...plan.before.map((l) => `  - ${l}`), "");
  for (const machine of plan.machines) out.push(formatMachinePlan(machine), "");
  if (plan.after.length > 0) out.push("after:", ...plan.after.map((l) => `  - ${l}`), "");
  return out.join("\n");
}
