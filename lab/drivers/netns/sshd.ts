/**
 * The embedded lab over SSH (FABRICSPEC_TRANSPORT=ssh): an OpenSSH server in every node's
 * namespace, listening on that namespace's 127.0.0.1 only, and runners that reach it with the SSH
 * transport through a proxy command that enters the namespace (`ip netns exec fs-NODE nc 127.0.0.1
 * 22`): the same mechanism as a real lab's ProxyCommand or jump host, and no packet from the root
 * namespace to any lab address.
 *
 * Per lab, in `/run/fabricspec/ssh/`: one client key pair (`id_ed25519`) and a `known_hosts`
 * naming each node by its name (the proxy decides where a name leads). Per node, in
 * `/run/fabricspec/NODE/ssh/`: its host key, its sshd_config, its PID file and log. Everything is
 * recorded with the lab and removed by `lab down`. Host keys are verified: the transport trusts the
 * lab's known_hosts and nothing else.
 *
 * The lab owns the login it uses. sshd runs every command through the user's login shell, and
 * Debian's bash reads ~/.bashrc for commands that come over SSH: root's own startup files (on this
 * image, a `pyenv init` that can wait 60 s on a lock) would decide how long every probe takes. So
 * each sshd runs in a mount namespace of its own (the one `ip netns exec` makes, which passes no
 * mount back to the machine) where the lab's account files are bound over /etc/passwd and
 * /etc/shadow: root's shell there is /bin/sh (no startup file for `sh -c`), its home the lab's
 * `home/`. /etc/ssh/sshrc, if the machine has one, is covered by an empty file. Nothing of the
 * machine's own accounts is changed or read at login; the system accounts (sshd's privilege
 * separation user, frr) are copied as they are.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LabError } from "../../errors.js";
import { aptInstall } from "../../packages.js";
import { nodeNames, type Topology } from "../../topology/model.js";
import { runLocal } from "../../transport/local.js";
import type { CommandRunner } from "../../transport/runner.js";
import type { SshOptions } from "../../transport/ssh/connection.js";
import type { SshEndpoint } from "../../transport/ssh/endpoint.js";
import { SshPool } from "../../transport/ssh/pool.js";
import type { Progress } from "../driver.js";
import type { DaemonSpec, NetnsAddon, NetnsContext } from "./addons.js";
import { NetnsDriver } from "./netns-driver.js";
import { namespaceOf } from "./plan.js";
import { labDir, nodeDir } from "./state.js";

const SSHD = "/usr/sbin/sshd";
const SSH_KEYGEN = "/usr/bin/ssh-keygen";
const NC = "/usr/bin/nc";
const SH = "/bin/sh";
/** OpenSSH's privilege separation directory: sshd refuses to start without it. */
const PRIVSEP_DIR = "/run/sshd";

/** The lab-wide SSH material, under the run directory (what lab/inventory.example.yaml points at). */
export const LAB_SSH_DIR = labDir("ssh");
export const LAB_IDENTITY_FILE = join(LAB_SSH_DIR, "id_ed25519");
export const LAB_KNOWN_HOSTS = join(LAB_SSH_DIR, "known_hosts");

/**
 * Everything is on this machine: a node that does not answer in 10 s is not going to; and a
 * keepalive every second notices a dropped connection within a second (nc, the proxy, keeps
 * running after the server's end until a write fails).
 */
export const LAB_SSH_OPTIONS: SshOptions = { connectTimeoutMs: 10_000, keepaliveIntervalMs: 1000 };

/** The lab's own login: root's shell and home as sshd sees them, and the files in that home. */
export interface LabLogin {
  /** Default /bin/sh: it reads no startup file for a command. */
  readonly shell: string;
  /** Files to put in the login's home, by name (e.g. a `.bashrc` that a self-test makes slow and noisy). */
  readonly homeFiles?: Readonly<Record<string, string>>;
}

export const DEFAULT_LOGIN: LabLogin = { shell: "/bin/sh" };

/** The lab's account files and login home, under the lab's SSH directory. */
export const LAB_LOGIN_FILES = {
  passwd: join(LAB_SSH_DIR, "passwd"),
  shadow: join(LAB_SSH_DIR, "shadow"),
  sshrc: join(LAB_SSH_DIR, "sshrc"),
  home: join(LAB_SSH_DIR, "home"),
} as const;

/** Binds the lab's account files over the machine's, in sshd's own mount namespace only, then runs sshd. */
const LOGIN_WRAPPER =
  'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/shadow && { [ ! -e /etc/ssh/sshrc ] || mount --bind "$3" /etc/ssh/sshrc; } && shift 3 && exec "$@"';

/**
 * The lab's passwd: the machine's system accounts as they are (sshd's privilege separation user,
 * frr for daemons started over SSH), root's entry replaced by the lab's login.
 */
export function renderLabPasswd(machinePasswd: string, login: LabLogin): string {
  const root = `root:x:0:0:fabricspec lab login:${LAB_LOGIN_FILES.home}:${login.shell}`;
  const others = machinePasswd.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("root:"));
  return `${[root, ...others].join("\n")}\n`;
}

/** Writes the lab's account files and the login's home (idempotent). */
function writeLogin(login: LabLogin): void {
  writeFileSync(LAB_LOGIN_FILES.passwd, renderLabPasswd(readFileSync("/etc/passwd", "utf8"), login), { mode: 0o644 });
  // "*": no password login, and not locked ("!"), which sshd refuses even for keys when PAM is off.
  writeFileSync(LAB_LOGIN_FILES.shadow, "root:*:19000:0:99999:7:::\n", { mode: 0o600 });
  writeFileSync(LAB_LOGIN_FILES.sshrc, "", { mode: 0o644 });
  mkdirSync(LAB_LOGIN_FILES.home, { recursive: true, mode: 0o700 });
  for (const [name, content] of Object.entries(login.homeFiles ?? {})) writeFileSync(join(LAB_LOGIN_FILES.home, name), content);
}

/** A node's own sshd files. */
export function sshdFiles(node: string): { dir: string; hostKey: string; config: string; pidFile: string; log: string } {
  const dir = join(nodeDir(node), "ssh");
  return { dir, hostKey: join(dir, "ssh_host_ed25519_key"), config: join(dir, "sshd_config"), pidFile: join(dir, "sshd.pid"), log: join(dir, "sshd.log") };
}

/** How the transport reaches a node of the embedded lab: its sshd, through its namespace. */
export function labEndpoint(node: string): SshEndpoint {
  return {
    node,
    host: node,
    port: 22,
    user: "root",
    identityFile: LAB_IDENTITY_FILE,
    knownHostsFile: LAB_KNOWN_HOSTS,
    proxyCommand: ["ip", "netns", "exec", namespaceOf(node), "nc", "127.0.0.1", "%p"],
  };
}

/** How a node's sshd is started and recorded (it names itself "sshd: /usr/sbin/sshd -f ... [listener]"). */
export function sshdSpec(node: string): DaemonSpec {
  const files = sshdFiles(node);
  const { passwd, shadow, sshrc } = LAB_LOGIN_FILES;
  return {
    node,
    name: "sshd",
    argv: [SH, "-c", LOGIN_WRAPPER, "fabricspec-sshd", passwd, shadow, sshrc, SSHD, "-f", files.config, "-E", files.log],
    pidFile: files.pidFile,
    command: `sshd: ${SSHD} `,
  };
}

/** sshd_config of one node: loopback only, key login only, the lab's key only. */
export function renderSshdConfig(node: string, authorizedKeys: string): string {
  const files = sshdFiles(node);
  return [
    `# fabricspec: sshd of ${node}, in namespace ${namespaceOf(node)}; reached through \`ip netns exec ${namespaceOf(node)} nc 127.0.0.1 22\``,
    "ListenAddress 127.0.0.1",
    "Port 22",
    `HostKey ${files.hostKey}`,
    `PidFile ${files.pidFile}`,
    `AuthorizedKeysFile ${authorizedKeys}`,
    "PermitRootLogin prohibit-password",
    "PubkeyAuthentication yes",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "UsePAM no",
    // The run directory is root's and not writable by others: the checks hold.
    "StrictModes yes",
    // The transport opens at most 8 sessions at once per connection (lab/transport/ssh/connection.ts).
    "MaxSessions 10",
    // VERBOSE logs one "Starting session" line per command: evidence that commands went over SSH.
    "LogLevel VERBOSE",
    "PrintMotd no",
    "PrintLastLog no",
    // The lab's login owns its environment: no ~/.ssh/rc, no ~/.ssh/environment.
    "PermitUserRC no",
    "PermitUserEnvironment no",
    "X11Forwarding no",
    "",
  ].join("\n");
}

/** The addon: one sshd per node, started once the fabric has converged. */
export function sshdAddon(login: LabLogin = DEFAULT_LOGIN): NetnsAddon {
  return {
    name: "sshd",
    async up(context: NetnsContext, progress: Progress): Promise<void> {
      const missing = [SSHD, SSH_KEYGEN, NC].filter((path) => !existsSync(path));
      if (missing.length > 0) throw new LabError(`FABRICSPEC_TRANSPORT=ssh needs ${missing.join(", ")}`, { hint: aptInstall(missing) });
      const labDir = context.labDir("ssh");
      await keygen(LAB_IDENTITY_FILE, "fabricspec lab client");
      const authorizedKeys = `${LAB_IDENTITY_FILE}.pub`;
      writeLogin(login);
      if (!existsSync(PRIVSEP_DIR)) mkdirSync(PRIVSEP_DIR, { mode: 0o755 });
      const nodes = nodeNames(context.topology);
      const hostKeys = await Promise.all(
        nodes.map(async (node) => {
          const files = sshdFiles(node);
          context.nodeDir(node);
          mkdirSync(files.dir, { recursive: true, mode: 0o700 });
          await keygen(files.hostKey, `${node} host key`);
          writeFileSync(files.config, renderSshdConfig(node, authorizedKeys));
          await context.spawnDaemon(sshdSpec(node));
          return `${node} ${readFileSync(`${files.hostKey}.pub`, "utf8").trim().split(/\s+/).slice(0, 2).join(" ")}`;
        }),
      );
      writeFileSync(LAB_KNOWN_HOSTS, `${hostKeys.join("\n")}\n`);
      progress(`sshd on ${nodes.length} nodes (127.0.0.1:22 in each namespace, the lab's own login: ${login.shell}); key and known_hosts in ${labDir}`);
    },
  };
}

async function keygen(file: string, comment: string): Promise<void> {
  const result = await runLocal([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file], { input: "y\n", timeoutMs: 10_000 });
  if (result.exitCode !== 0) throw new LabError(`ssh-keygen could not make ${file}: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
}

/** How many commands each node's sshd ran ("Starting session" lines in its log). */
export function sshSessionCounts(topology: Topology): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const node of nodeNames(topology)) {
    const log = sshdFiles(node).log;
    counts[node] = existsSync(log) ? (readFileSync(log, "utf8").match(/Starting session: command/g) ?? []).length : 0;
  }
  return counts;
}

/**
 * The embedded lab with every runner going over SSH. Commands are rewritten exactly as the local
 * runner rewrites them (NetnsDriver.nodeCommand): `vtysh` on a switch becomes `vtysh --vty_socket
 * /run/fabricspec/SWITCH`, `birdc` on a node gets its BIRD socket, because the daemons of every
 * node share one file system and their socket paths are what tell them apart. The rewrite is this
 * transport hook's, explicit, not hidden in sshd.
 */
export class NetnsSshDriver extends NetnsDriver {
  /**
   * @param provisioned switches come up bare and the provisioner builds them over SSH (FABRICSPEC_PROVISION=ssh)
   * @param addons what else runs after sshd (when provisioned: before the provisioner, on the bare machines)
   */
  constructor(
    topology: Topology,
    private readonly pool: SshPool = new SshPool(LAB_SSH_OPTIONS),
    login: LabLogin = DEFAULT_LOGIN,
    provisioned = false,
    addons: readonly NetnsAddon[] = [],
  ) {
    // `this` is usable once runners are asked for (after construction): the hook runs then.
    super(topology, [sshdAddon(login), ...addons], (node) => sshRunner(pool, node, (argv) => this.nodeCommand(node, argv)), provisioned);
  }

  /** Closes the SSH connections (the lab stays as it is). Idempotent. */
  close(): Promise<void> {
    return this.pool.close();
  }

  /** Sessions and connections per node, as the transport counted them. */
  sshStats(): ReturnType<SshPool["stats"]> {
    return this.pool.stats();
  }
}

function sshRunner(pool: SshPool, node: string, nodeCommand: (argv: readonly string[]) => readonly string[]): CommandRunner {
  const ssh = pool.runner(labEndpoint(node));
  return {
    node,
    async run(argv, options) {
      if (!existsSync(LAB_KNOWN_HOSTS)) {
        throw new LabError(`${node}: the lab runs no SSH servers (no ${LAB_KNOWN_HOSTS}): it was brought up without FABRICSPEC_TRANSPORT=ssh`, {
          hint: "npx fabricspec lab down, then run again with FABRICSPEC_TRANSPORT=ssh",
        });
      }
      const result = await ssh.run(nodeCommand(argv), options);
      return { ...result, command: argv };
    },
  };
}
