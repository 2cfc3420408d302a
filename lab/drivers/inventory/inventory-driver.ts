/**
 * A lab that already exists, reached over SSH as the inventory says: nothing is built and nothing
 * is torn down. Bring-up is a preflight that reaches every node (all at once) and reports, one line
 * per node, everything that would make its scenarios broken rather than judged: unreachable,
 * refused login, host key mismatch, sudo wanting a password, vtysh or ping or traceroute missing,
 * vtysh not reaching FRR. It throws before any scenario runs when anything is wrong.
 */
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { LabError, PreflightError, UsageError } from "../../errors.js";
import { budgets } from "../../expect/budgets.js";
import { eventually } from "../../expect/eventually.js";
import { FRR_DAEMONS, FRR_SWITCH, frrService, isFrrDaemonName, pidFileIn, viaVtysh } from "../../kinds/frr.js";
import { HOST } from "../../kinds/host.js";
import { rewriting } from "../../kinds/kind.js";
import { aptInstall } from "../../packages.js";
import { firstLine } from "../../probes/probe.js";
import { findNode, findSwitch, nodeNames, type Topology } from "../../topology/model.js";
import { formatCommand, type CommandResult, type CommandRunner, type RunOptions } from "../../transport/runner.js";
import { describeEndpoint, expandTokens, type SshEndpoint } from "../../transport/ssh/endpoint.js";
import { SshError, type SshFailure } from "../../transport/ssh/errors.js";
import { SshPool } from "../../transport/ssh/pool.js";
import { waitForFabric } from "../../fabric/converge.js";
import { keepProvisionLog, readProvisionLogs, type ProvisionLog } from "../../provision/evidence.js";
import { planFabric, provisionFabric } from "../../provision/provision.js";
import { PACKAGED_TARGET } from "../../provision/target.js";
import {
  describeFailedChecks,
  phaseTimer,
  unknownNode,
  unknownSwitch,
  type LabDriver,
  type LabStatus,
  type NodeStatus,
  type Phase,
  type PreflightCheck,
  type PreflightWarning,
  type UpOptions,
  type UpResult,
  type LabPlan,
} from "../driver.js";
import type { Inventory, InventoryNode } from "./inventory.js";
import { checkLogin } from "./login-check.js";

/** What the driver needs of a node's connection (an SshConnection; a fake in unit tests). */
export interface NodeConnection {
  connect(): Promise<void>;
  run(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;
}

export interface ConnectionPool {
  connection(endpoint: SshEndpoint): NodeConnection;
  close(): Promise<void>;
}

/** What to do about each way a connection fails. */
const FIX: Record<SshFailure, string> = {
  unreachable: "check host, port and proxyCommand/jump in the inventory, and that the node and its sshd are up",
  timeout: "check that the node is up and that nothing on the way drops SSH (firewall, wrong jump host)",
  auth: "authorize the inventory's key for its user on the node (ssh-copy-id -i KEY.pub USER@HOST), or fix user/identityFile",
  "host-key": "if the node was reinstalled, check its new fingerprint out of band and replace its line in known_hosts (ssh-keygen -R HOST -f FILE)",
  proxy: "run the proxy command by hand: it must connect its stdin/stdout to the node's sshd",
  dropped: "check the node's sshd and the network to it",
  config: "fix the inventory (key path, agent, password variable)",
};

const CHECK_TIMEOUT_MS = 20_000;

export class InventoryDriver implements LabDriver {
  readonly name = "inventory";

  /**
   * @param logDir where bring-up keeps each switch's provisioning log (provision: true); default a
   *   directory of this machine's temporary files named for the inventory file
   */
  constructor(
    readonly topology: Topology,
    readonly inventory: Inventory,
    private readonly pool: ConnectionPool = new SshPool(),
    private readonly logDir: string = join(tmpdir(), `fabricspec-provision-${createHash("sha256").update(resolve(inventory.source)).digest("hex").slice(0, 12)}`),
  ) {}

  private entry(node: string): InventoryNode {
    const entry = this.inventory.nodes.get(node);
    if (!entry) throw unknownNode(this.topology, node);
    return entry;
  }

  private connection(node: string): NodeConnection {
    return this.pool.connection(this.entry(node).endpoint);
  }

  /** One check per node, all nodes at once; each lists every problem of its node. */
  async preflight(): Promise<PreflightCheck[]> {
    return Promise.all(nodeNames(this.topology).map((node) => this.checkNode(node)));
  }

  private async checkNode(node: string): Promise<PreflightCheck> {
    const entry = this.entry(node);
    const endpoint = entry.endpoint;
    const where = describeEndpoint(endpoint);
    const connection = this.connection(node);
    try {
      await connection.connect();
    } catch (error) {
      if (error instanceof SshError) return { name: node, ok: false, detail: error.detail, fix: FIX[error.failure] };
      return { name: node, ok: false, detail: error instanceof Error ? error.message : String(error), fix: FIX.unreachable };
    }
    const problems: string[] = [];
    const fixes: string[] = [];
    let warnings: readonly PreflightWarning[] = [];
    const check = (ok: boolean, detail: string, fix?: string): PreflightCheck => ({ name: node, ok, detail, ...(fix !== undefined ? { fix } : {}), ...(warnings.length ? { warnings } : {}) });
    try {
      // A no-op through the node's login shell: how slow and noisy the login is (and, with sudo, whether sudo works).
      const login = await checkLogin(connection, { sudo: endpoint.sudo, timeoutMs: CHECK_TIMEOUT_MS });
      warnings = login.warnings;
      if (login.stalled) return check(false, login.stalled.detail, login.stalled.fix);
      if (endpoint.sudo) {
        const sudo = login.result;
        if (sudo.exitCode !== 0) {
          const said = firstLine(sudo.stderr) ?? `exit ${sudo.exitCode}`;
          problems.push(`sudo -n fails: ${said}`);
          fixes.push(/password/i.test(said) ? `let ${endpoint.user} run commands without a password (a sudoers NOPASSWD rule)` : "check sudo on the node");
          return check(false, problems.join("; "), fixes.join("; "));
        }
      }
      const isSwitch = findSwitch(this.topology, node) !== undefined;
      const vtysh = entry.vtysh.map((arg) => expandTokens(arg, endpoint));
      // The inventory's vtysh command stands for vtysh: it is the program that must be there.
      const tools = (isSwitch ? FRR_SWITCH : HOST).probeTools.map((t) => (t === "vtysh" ? (vtysh[0] ?? t) : t));
      const script = `for c in ${tools.map((t) => formatCommand([t])).join(" ")}; do command -v "$c" >/dev/null 2>&1 || echo "missing:$c"; done`;
      const found = await connection.run(["sh", "-c", script], { timeoutMs: CHECK_TIMEOUT_MS });
      const missing = [...found.stdout.matchAll(/^missing:(.+)$/gm)].map((m) => m[1] ?? "");
      if (found.exitCode !== 0) problems.push(`cannot run sh on it (exit ${found.exitCode}): ${firstLine(found.stderr) ?? ""}`);
      if (missing.length > 0) {
        problems.push(`missing ${missing.join(", ")}`);
        fixes.push(`install ${missing.join(", ")} (Debian: ${aptInstall(missing)}; Cumulus Linux ships them)`);
      }
      // A switch still to be provisioned runs no FRR yet: the provisioner's last step starts it.
      if (isSwitch && !this.inventory.provision && !missing.includes(vtysh[0] ?? "vtysh")) {
        const version = await connection.run([...vtysh, "-c", "show version"], { timeoutMs: CHECK_TIMEOUT_MS });
        if (version.exitCode !== 0) {
          problems.push(`vtysh does not reach FRR: ${firstLine(version.stderr) ?? firstLine(version.stdout) ?? `exit ${version.exitCode}`}`);
          fixes.push(endpoint.sudo ? "is FRR running? (systemctl status frr)" : "is FRR running? vtysh needs root or the frrvty group: set sudo: true");
        }
      }
    } catch (error) {
      problems.push(error instanceof SshError ? error.detail : error instanceof Error ? error.message : String(error));
      fixes.push(FIX.dropped);
    }
    if (problems.length === 0) return check(true, `reachable as ${where}`);
    return check(false, problems.join("; "), fixes.join("; "));
  }

  /** Builds nothing: checks every node, and throws one line per node that is not ready. */
  async up(options: UpOptions = {}): Promise<UpResult> {
    const progress = options.progress ?? (() => {});
    options.signal?.throwIfAborted();
    const started = performance.now();
    const checks = await this.preflight();
    const ms = Math.round(performance.now() - started);
    for (const c of checks) for (const w of c.warnings ?? []) progress(`warning: ${c.name}: ${w.detail}; fix: ${w.fix}`);
    const failed = checks.filter((c) => !c.ok);
    if (failed.length > 0) {
      throw new PreflightError(
        `the lab of inventory ${this.inventory.source} is not ready (${failed.length} of ${checks.length} nodes):\n${describeFailedChecks(failed)}`,
      );
    }
    progress(`inventory ${this.inventory.source}: all ${checks.length} nodes reachable over SSH, with what the probes need (${ms} ms)`);
    const phases: Phase[] = [{ name: "preflight", ms, detail: `${checks.length} nodes over SSH` }];
    if (this.inventory.provision) {
      const timed = phaseTimer(phases, progress, options.signal);
      const log = (l: ProvisionLog): void => keepProvisionLog(this.provisionLogFile(l.machine), l);
      await timed("provisioning", () => provisionFabric(this.topology, (node) => this.runner(node), PACKAGED_TARGET, { progress, log }), `${this.topology.switches.length} switches over SSH`);
      await timed("convergence", () => waitForFabric(this.topology, (node) => this.runner(node), budgets(this.topology.bgp).convergence, options.signal));
    }
    return { reused: true, phases };
  }

  /** Each switch's log from this inventory's last bring-up, when it provisions (provision: true). */
  provisionLogs(): ProvisionLog[] {
    return this.inventory.provision ? readProvisionLogs(this.topology.switches.map((sw) => sw.name), (m) => this.provisionLogFile(m)) : [];
  }

  private provisionLogFile(machine: string): string {
    return join(this.logDir, `${machine}.log`);
  }

  /** What `up` does: nothing is built; with `provision: true`, the switches are provisioned. */
  plan(): LabPlan {
    return {
      driver: this.name,
      topology: this.topology.name,
      before: [`nothing is created: the machines of ${this.inventory.source} exist`, "preflight: every node reached over SSH, with the tools its probes need"],
      machines: this.inventory.provision ? planFabric(this.topology, PACKAGED_TARGET) : [],
      after: this.inventory.provision ? ["wait until every session is Established and every prefix installed (budget: convergence)"] : ["the lab is used as it is (provision: false): nothing on the switches is changed"],
    };
  }

  /** Tears nothing down (the lab is not ours); closes the connections. */
  async down(): Promise<Phase[]> {
    await this.pool.close();
    return [];
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  async status(): Promise<LabStatus> {
    const nodes = await Promise.all(
      nodeNames(this.topology).map(async (name): Promise<NodeStatus> => {
        const kind = findNode(this.topology, name)?.kind ?? "host";
        try {
          await this.connection(name).connect();
          return { name, kind, up: true, detail: `reachable as ${describeEndpoint(this.entry(name).endpoint)}` };
        } catch (error) {
          return { name, kind, up: false, detail: error instanceof SshError ? error.detail : String(error) };
        }
      }),
    );
    const up = nodes.filter((n) => n.up).length;
    return { driver: this.name, state: up === nodes.length ? "up" : up === 0 ? "down" : "degraded", topology: this.topology.name, nodes };
  }

  /**
   * Stops a daemon as the inventory's `frr.control` says. pidfile: SIGKILL by the PID in the
   * daemon's own PID file (a crash). systemd: stops the FRR service, because watchfrr restarts a
   * single daemon that dies, by design; for the fabric the switch stops routing either way.
   */
  async stopDaemon(node: string, daemon: string): Promise<void> {
    const { entry, runner } = this.daemonTarget(node, daemon);
    const frr = entry.frr;
    if (frr.control === "systemd") {
      await this.must(runner, frrService("stop", frr.service), `stop ${frr.service} (to stop ${daemon})`);
      return;
    }
    const pidFile = pidFileIn(expandTokens(frr.pidDir, entry.endpoint), daemon);
    const pid = (await this.must(runner, ["cat", pidFile], `read ${pidFile}`)).stdout.trim();
    if (!/^\d+$/.test(pid)) throw new LabError(`${node}: ${pidFile} holds no PID ("${pid.slice(0, 20)}")`);
    await this.must(runner, ["kill", "-KILL", pid], `kill ${daemon} (pid ${pid})`);
    await eventually(async () => {
      if ((await runner.run(["kill", "-0", pid], { timeoutMs: CHECK_TIMEOUT_MS })).exitCode === 0) throw new LabError(`${node}: ${daemon} (pid ${pid}) did not stop`);
    }, budgets(this.topology.bgp).daemonStart);
  }

  async startDaemon(node: string, daemon: string): Promise<void> {
    const { entry, runner } = this.daemonTarget(node, daemon);
    const frr = entry.frr;
    if (frr.control === "systemd") {
      await this.must(runner, frrService("start", frr.service), `start ${frr.service}`);
      return;
    }
    if (!frr.start) throw new UsageError(`${node}: the inventory gives no frr.start command, so ${daemon} cannot be started again`, { hint: "set frr.start (with %d for the daemon) or use control: systemd" });
    await this.must(runner, frr.start.map((arg) => expandTokens(arg.replaceAll("%d", daemon), entry.endpoint)), `start ${daemon}`);
  }

  private daemonTarget(node: string, daemon: string): { entry: InventoryNode; runner: CommandRunner } {
    if (!findSwitch(this.topology, node)) throw unknownSwitch(this.topology, node);
    if (!isFrrDaemonName(daemon)) throw new UsageError(`"${daemon}" is not an FRR daemon name (${FRR_DAEMONS.join(", ")}, ...)`);
    return { entry: this.entry(node), runner: this.runner(node) };
  }

  private async must(runner: CommandRunner, argv: readonly string[], what: string): Promise<CommandResult> {
    const result = await runner.run(argv, { timeoutMs: 60_000 });
    if (result.exitCode !== 0) {
      throw new LabError(`${runner.node}: could not ${what}: \`${formatCommand(argv)}\` exit ${result.exitCode}: ${firstLine(result.stderr) ?? firstLine(result.stdout) ?? ""}`);
    }
    return result;
  }

  /** The node's runner; on a switch `vtysh` becomes the inventory's vtysh command (e.g. with --vty_socket). */
  runner(node: string): CommandRunner {
    const entry = this.entry(node);
    const connection = this.pool.connection(entry.endpoint);
    const runner: CommandRunner = { node, run: (argv, options) => connection.run(argv, options) };
    if (!findSwitch(this.topology, node)) return runner;
    const vtysh = entry.vtysh.map((arg) => expandTokens(arg, entry.endpoint));
    return rewriting(runner, (argv) => viaVtysh(argv, vtysh));
  }
}
