/**
 * The inventory file: how to reach each node of the topology over SSH, for a lab that already
 * exists (hardware, or any lab tool). It holds references only: key paths, an agent flag, the
 * names of environment variables; never a key or a password. Validated completely before anything
 * connects, every problem reported with its path, like the topology loader.
 *
 * String tokens: in proxyCommand, vtysh and frr.*, `%n` is the topology node, `%h` the host, `%p`
 * the port, `%r` the user, `%%` a percent sign (OpenSSH's ProxyCommand tokens, and the node).
 */
import { z } from "zod";
import { UsageError, type TopologyIssue } from "../../errors.js";
import { PACKAGED_FRR } from "../../kinds/frr.js";
import { findSwitch, nodeNames, type Topology } from "../../topology/model.js";
import type { SshEndpoint } from "../../transport/ssh/endpoint.js";
import { formatPath, parseYaml, readText } from "../../yaml-file.js";

/** The inventory file is invalid; every problem is listed with its path. */
export class InventoryError extends UsageError {
  constructor(
    readonly source: string,
    readonly issues: readonly TopologyIssue[],
  ) {
    super(`Inventory ${source} is invalid:\n${issues.map((i) => `  ${i.path ? `${i.path}: ` : ""}${i.message}`).join("\n")}`, {
      hint: "see lab/inventory.example.yaml and docs/real-lab.md",
    });
  }
}

const argv = z.array(z.string().min(1)).min(1);
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be the name of an environment variable, like FABRIC_LAB_PASSWORD");

/** How stopDaemon and startDaemon act on a switch's FRR. */
const frrSchema = z.strictObject({
  /**
   * systemd: FRR as packaged (Cumulus Linux, Debian/Ubuntu frr), supervised by watchfrr, which
   * restarts any single daemon that dies: the only way to keep one down is to stop the service.
   * pidfile: FRR daemons started without watchfrr (e.g. the embedded lab): SIGKILL by the PID in
   * the daemon's own PID file, started again with `start`.
   */
  control: z.enum(["systemd", "pidfile"]).optional(),
  /** systemd: the unit. */
  service: z.string().min(1).optional(),
  /** pidfile: where DAEMON.pid is. */
  pidDir: z.string().min(1).optional(),
  /** pidfile: the command that starts a daemon (`%d` is its name); it must daemonize. */
  start: argv.optional(),
});

const secretKeys = {
  password: z.never({ error: "inline secrets are not allowed: put the password in an environment variable and name it with passwordEnv" }).optional(),
  privateKey: z.never({ error: "inline secrets are not allowed: give the key's path with identityFile" }).optional(),
};

const connectionFields = {
  user: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  identityFile: z.string().min(1).optional(),
  agent: z.boolean().optional(),
  passwordEnv: envName.optional(),
  knownHostsFile: z.string().min(1).optional(),
  insecureIgnoreHostKey: z.boolean().optional(),
  proxyCommand: argv.optional(),
  sudo: z.boolean().optional(),
  ...secretKeys,
};

const jumpSchema = z.strictObject({ host: z.string().min(1), ...connectionFields });

const settingsFields = {
  ...connectionFields,
  jump: jumpSchema.optional(),
  /** The command that reaches the switch's own FRR; default [vtysh]. */
  vtysh: argv.optional(),
  frr: frrSchema.optional(),
};

const defaultsSchema = z.strictObject(settingsFields);
const nodeSchema = z.strictObject({ host: z.string().min(1).optional(), ...settingsFields });

export const inventorySchema = z.strictObject({
  $schema: z.string().optional(),
  /** The topology this inventory describes; checked against the one under test when given. */
  topology: z.string().optional(),
  /**
   * The switches are bare Linux machines with FRR installed (packaged, under systemd): bring-up
   * provisions them (lab/provision/: addresses, daemons file, frr.conf, FRR restarted) before the
   * features run. Default false: the lab is used as it is.
   */
  provision: z.boolean().default(false),
  defaults: defaultsSchema.default({}),
  nodes: z.record(z.string(), nodeSchema.nullable().transform((n) => n ?? {})),
});

type Settings = z.infer<typeof defaultsSchema>;

/** How the driver acts on one switch's FRR daemons. */
export type FrrControl =
  | { readonly control: "systemd"; readonly service: string }
  | { readonly control: "pidfile"; readonly pidDir: string; readonly start: readonly string[] | undefined };

/** One node of the inventory, resolved: defaults applied, tokens left for the transport and driver. */
export interface InventoryNode {
  readonly endpoint: SshEndpoint;
  /** The argv prefix that runs vtysh against this node's own FRR. */
  readonly vtysh: readonly string[];
  readonly frr: FrrControl;
}

export interface Inventory {
  readonly source: string;
  /** Bring-up provisions the switches (`provision: true`). */
  readonly provision: boolean;
  readonly nodes: ReadonlyMap<string, InventoryNode>;
}

/** Reads and validates an inventory for `topology`; throws InventoryError listing every problem. */
export function loadInventory(path: string, topology: Topology): Inventory {
  const read = readText(path);
  if ("issues" in read) throw new InventoryError(path, read.issues);
  return parseInventory(read.text, path, topology);
}

export function parseInventory(text: string, source: string, topology: Topology): Inventory {
  const yaml = parseYaml(text);
  if ("issues" in yaml) throw new InventoryError(source, yaml.issues);
  const parsed = inventorySchema.safeParse(yaml.value ?? {});
  if (!parsed.success) throw new InventoryError(source, parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  const file = parsed.data;
  const issues: TopologyIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const names = nodeNames(topology);
  if (file.topology !== undefined && file.topology !== topology.name) {
    add("topology", `this inventory describes topology "${file.topology}", but the topology under test is "${topology.name}" (FABRICSPEC_TOPOLOGY)`);
  }
  for (const name of Object.keys(file.nodes)) {
    if (!names.includes(name)) add(`nodes.${name}`, `unknown node "${name}". Nodes in topology "${topology.name}": ${names.join(", ")}`);
  }
  const missing = names.filter((n) => !(n in file.nodes));
  if (missing.length > 0) add("nodes", `no entry for ${missing.join(", ")} (every node of topology "${topology.name}" needs one; \`NODE: {}\` takes the defaults)`);

  const nodes = new Map<string, InventoryNode>();
  for (const name of names) {
    const own = file.nodes[name];
    if (!own) continue;
    const frr = { ...file.defaults.frr, ...own.frr };
    const merged: Settings & { host?: string } = { ...file.defaults, ...own };
    const path = `nodes.${name}`;
    if (!merged.identityFile && !merged.agent && !merged.passwordEnv) {
      add(path, "no way to log in: set identityFile (a key path), agent: true or passwordEnv (a variable name), here or in defaults");
    }
    if (merged.proxyCommand && merged.jump) add(path, "both proxyCommand and jump: use one (a jump host is a proxy)");
    if (merged.jump && !merged.jump.identityFile && !merged.jump.agent && !merged.jump.passwordEnv && !merged.identityFile && !merged.agent && !merged.passwordEnv) {
      add(`${path}.jump`, "no way to log in to the jump host");
    }
    const control = frr.control ?? "systemd";
    if (control === "systemd" && (frr.pidDir || frr.start)) add(`${path}.frr`, "pidDir and start apply to control: pidfile only");
    const endpoint: SshEndpoint = {
      node: name,
      host: merged.host ?? name,
      port: merged.port ?? 22,
      user: merged.user ?? "root",
      ...pick(merged),
      ...(merged.jump
        ? {
            jump: {
              node: `${merged.jump.host} (jump host)`,
              host: merged.jump.host,
              port: merged.jump.port ?? 22,
              // The jump host's credentials default to the node's.
              user: merged.jump.user ?? merged.user ?? "root",
              ...pick({ identityFile: merged.identityFile, agent: merged.agent, passwordEnv: merged.passwordEnv, knownHostsFile: merged.knownHostsFile, ...merged.jump }),
            },
          }
        : {}),
    };
    nodes.set(name, {
      endpoint,
      vtysh: merged.vtysh ?? PACKAGED_FRR.vtysh,
      frr: control === "systemd" ? { control, service: frr.service ?? PACKAGED_FRR.service } : { control, pidDir: frr.pidDir ?? PACKAGED_FRR.pidDir, start: frr.start },
    });
  }
  if (file.provision) {
    for (const [name, node] of nodes) {
      if (findSwitch(topology, name) && node.frr.control !== "systemd") add(`nodes.${name}.frr`, "provision: true provisions packaged FRR (control: systemd); this switch's FRR is controlled by pidfile");
    }
  }
  if (issues.length > 0) throw new InventoryError(source, issues);
  return { source, provision: file.provision, nodes };
}

/** The endpoint fields that are set (an absent one stays absent: the transport has defaults). */
function pick(s: Partial<Settings>): Partial<SshEndpoint> {
  const out: Record<string, unknown> = {};
  for (const key of ["identityFile", "agent", "passwordEnv", "knownHostsFile", "insecureIgnoreHostKey", "proxyCommand", "sudo"] as const) {
    if (s[key] !== undefined) out[key] = s[key];
  }
  return out as Partial<SshEndpoint>;
}

