/**
 * The embedded lab: one network namespace per switch and host, veth pairs per link, a bridge per
 * rack, real FRR daemons per switch, real kernel forwarding. Needs root; touches nothing outside
 * its own namespaces and its run directory.
 */
import { createHash } from "node:crypto";
import { accessSync, chownSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CommandError, describeError, LabBusyError, LabError, UnknownNodeError, UsageError } from "../../errors.js";
import { budgets } from "../../expect/budgets.js";
import { eventually } from "../../expect/eventually.js";
import { fabricFindings, waitForFabric } from "../../fabric/converge.js";
import { FRR_DAEMONS, renderDaemonConfigs, type FrrDaemon } from "../../render/frr.js";
import { findNode, findSwitch, nodeNames, type Switch, type Topology } from "../../topology/model.js";
import { isAlive } from "../../lock.js";
import { runLocal } from "../../transport/local.js";
import type { CommandResult, CommandRunner, RunOptions } from "../../transport/runner.js";
import type {
  KubernetesAccess,
  LabDriver,
  LabStatus,
  NodeStatus,
  Phase,
  PodNetwork,
  PodNetworkMode,
  PreflightCheck,
  Progress,
  Support,
  UpOptions,
  UpResult,
} from "../driver.js";
import { birdControlSocket, NetnsPodNetworks } from "../../calico/netns.js";
import { namespaceOf, planLab } from "./plan.js";
import { commandLine, namespaceInode, pidsInNamespaces, stopProcesses } from "./processes.js";
import type { NetnsAddon, NetnsContext } from "./addons.js";
import { clearState, readState, RUN_DIR, writeState, type LabProcess, type LabState } from "./state.js";

const FRR_DIR = "/usr/lib/frr";
/** Where an FRR daemon keeps its crash logs, outside the lab's run directory: `/var/tmp/frr/<daemon>.<pid>/`. */
const frrTempDir = (daemon: string, pid: number): string => join("/var/tmp/frr", `${daemon}.${pid}`);

/** A recorded FRR daemon's crash-log directories: named after its PID before and after daemonizing. */
function frrTempDirsOf(p: LabProcess): string[] {
  if (!(p.command ?? "").startsWith(FRR_DIR)) return [];
  return [p.pid, ...(p.startPid ? [p.startPid] : [])].map((pid) => frrTempDir(p.daemon, pid));
}
const quiet: Progress = () => {};

export class NetnsDriver implements LabDriver {
  readonly name = "netns";
  readonly fingerprint: string;
  /** Set while down() runs. */
  private removing = false;

  /**
   * @param addons what else runs in the namespaces (sshd, BIRD), started after convergence
   * @param transport how runners reach a node; default: `ip netns exec` from this machine
   */
  constructor(
    readonly topology: Topology,
    private readonly addons: readonly NetnsAddon[] = [],
    private readonly transport?: (node: string, local: CommandRunner) => CommandRunner,
  ) {
    this.fingerprint = createHash("sha256").update(JSON.stringify({ ...topology, source: undefined })).digest("hex").slice(0, 16);
  }

  async preflight(): Promise<PreflightCheck[]> {
    const checks: PreflightCheck[] = [];
    const isRoot = process.getuid?.() === 0;
    checks.push({
      name: "root",
      ok: isRoot,
      detail: isRoot ? "running as root" : "the embedded lab creates network namespaces, which needs root",
      fix: "run as root (sudo -E npm test)",
    });
    const binaries: Array<[string, string, string]> = [
      ["ip", "/usr/sbin/ip", "apt-get install -y iproute2"],
      ["zebra", `${FRR_DIR}/zebra`, "apt-get install -y frr"],
      ["bgpd", `${FRR_DIR}/bgpd`, "apt-get install -y frr"],
      ["staticd", `${FRR_DIR}/staticd`, "apt-get install -y frr"],
      ["vtysh", "/usr/bin/vtysh", "apt-get install -y frr"],
      ["ping", "/usr/bin/ping", "apt-get install -y iputils-ping"],
      ["traceroute", "/usr/bin/traceroute", "apt-get install -y traceroute"],
    ];
    for (const [name, path, fix] of binaries) {
      const ok = executable(path);
      checks.push({ name, ok, detail: ok ? path : `${path} not found`, fix });
    }
    const frr = frrUser();
    checks.push({
      name: "frr user",
      ok: frr !== undefined,
      detail: frr ? `uid ${frr.uid}` : "no user frr (the frr package creates it)",
      fix: "apt-get install -y frr",
    });
    if (isRoot && executable("/usr/sbin/ip")) checks.push(await this.kernelCheck());
    return checks;
  }

  /** veth pairs and bridges, tried for real in a throwaway namespace. */
  private async kernelCheck(): Promise<PreflightCheck> {
    const ns = preflightNamespace(process.pid);
    const result = await runLocal(["ip", "-batch", "-"], {
      input: [
        `netns add ${ns}`,
        `link add fsp0 netns ${ns} type veth peer fsp1 netns ${ns}`,
        `link add fspbr netns ${ns} type bridge`,
      ].join("\n"),
    });
    await runLocal(["ip", "netns", "del", ns]);
    return {
      name: "kernel: netns, veth, bridge",
      ok: result.exitCode === 0,
      detail: result.exitCode === 0 ? "namespaces, veth pairs and bridges work" : firstLine(result.stderr),
      fix: "the kernel needs CONFIG_NET_NS, CONFIG_VETH and CONFIG_BRIDGE (modprobe veth bridge)",
    };
  }

  async up(options: UpOptions = {}): Promise<UpResult> {
    const progress = options.progress ?? quiet;
    const { signal } = options;
    const existing = readState();
    if (existing) {
      if (existing.keep && existing.phase === "up") {
        if (existing.fingerprint !== this.fingerprint) {
          throw new LabBusyError(
            `a lab of topology "${existing.topology}" is up (started by \`fabricspec lab up\`), not of "${this.topology.name}"`,
            { hint: "npx fabricspec lab down" },
          );
        }
        // A kept lab is tested as it is, even degraded: it may be broken on purpose.
        const status = await this.status();
        const broken = status.nodes.filter((n) => !n.up).map((n) => `${n.name}: ${n.detail}`);
        progress(`reusing the ${existing.topology} lab that \`fabricspec lab up\` started${broken.length ? ` (degraded: ${broken.join("; ")})` : ""}`);
        // Say so when it is not at its baseline: broken on purpose, or left so by an interrupted run.
        const findings = await fabricFindings(this.topology, (node) => this.localRunner(node)).catch((error: unknown) => [describeError(error)]);
        if (findings.length > 0) progress(`note: the reused lab is not at its baseline:\n  ${findings.join("\n  ")}`);
        return { reused: true, phases: [] };
      }
      progress(`removing leftovers of an earlier ${existing.topology} lab (${existing.phase}, pid ${existing.ownerPid})`);
      await this.down(progress);
    }
    const phases: Phase[] = [];
    const timed = async <T>(name: string, detail: string, work: () => Promise<T>): Promise<T> => {
      signal?.throwIfAborted();
      const started = performance.now();
      const value = await work();
      const ms = Math.round(performance.now() - started);
      phases.push({ name, ms, detail });
      progress(`${name}: ${detail} (${ms} ms)`);
      return value;
    };

    const plan = planLab(this.topology);
    // Namespaces of our names that no state records are not ours to remove: refuse before
    // recording anything, so that no teardown ever touches them.
    const clash = plan.namespaces.filter((ns) => namespaceInode(ns) !== undefined);
    if (clash.length > 0) {
      throw new LabError(`namespaces ${clash.join(", ")} exist but no fabricspec lab recorded them`, {
        hint: `if a fabricspec run left them, remove them: ${clash.map((ns) => `ip netns del ${ns}`).join("; ")}`,
      });
    }
    let state: LabState = {
      topology: this.topology.name,
      fingerprint: this.fingerprint,
      namespaces: plan.namespaces,
      processes: [],
      phase: "building",
      keep: options.keep ?? false,
      ownerPid: process.pid,
      createdAt: new Date().toISOString(),
    };
    // Without root nothing can be recorded or created: say so (with the other checks) first.
    if (process.getuid?.() !== 0) await this.requirePreflight();
    writeState(state); // before anything exists, so a crash from here on is cleaned up

    try {
      await timed("preflight", "root, iproute2, FRR, kernel features", () => this.requirePreflight());
      await timed("namespaces", `${plan.namespaces.length} namespaces`, () =>
        ipBatch(plan.namespaces.map((ns) => `netns add ${ns}`), "create the namespaces"),
      );
      await timed("links", `${plan.links.length} veth pairs`, () => ipBatch(plan.links, "create the veth pairs"));
      // Per switch, as soon as its namespace is addressed: zebra (which must see the interfaces in
      // its first netlink dump), bgpd once zebra listens (its 1 s start timer is the long pole of
      // convergence), then staticd. Hosts are addressed meanwhile.
      const recordStarted = (started: LabProcess) => {
        state = { ...state, processes: [...state.processes, started] };
        writeState(state);
      };
      await timed("addressing+daemons", `addresses; ${FRR_DAEMONS.join(", ")} on ${this.topology.switches.length} switches`, () =>
        // Settled, not failed fast: cleanup must not start while a daemon is still being spawned.
        settleAll(
          [...plan.addressing].map(async ([ns, lines]) => {
            await ipBatch(lines, `address ${ns}`, ns);
            const sw = this.topology.switches.find((s) => namespaceOf(s.name) === ns);
            if (sw) await this.startDaemons(sw, recordStarted, signal);
          }),
        ),
      );
      await timed("convergence", "every session Established, every prefix installed", () =>
        waitForFabric(this.topology, (node) => this.localRunner(node), budgets(this.topology.bgp).convergence, signal),
      );
      const context = this.context(signal, () => state, (next) => {
        state = next;
        writeState(state);
      });
      for (const addon of this.addons) await timed(addon.name, "addon", () => addon.up(context, progress));
      signal?.throwIfAborted(); // interrupted during the last step: still not a lab to hand over
    } catch (error) {
      progress(signal?.aborted ? "interrupted; removing what bring-up created" : "bring-up failed; removing what it created");
      await this.down(progress);
      throw error;
    }
    writeState({ ...state, phase: "up" });
    return { reused: false, phases };
  }

  private async requirePreflight(): Promise<void> {
    const failed = (await this.preflight()).filter((c) => !c.ok);
    if (failed.length > 0) {
      throw new LabError(`the netns lab cannot start:\n${failed.map((c) => `  ${c.name}: ${c.detail}; fix: ${c.fix}`).join("\n")}`);
    }
  }

  /** One switch's daemons: zebra, then bgpd once zebra listens, then staticd. */
  private async startDaemons(sw: Switch, record: (started: LabProcess) => void, signal?: AbortSignal): Promise<void> {
    const frr = frrUser();
    if (!frr) throw new LabError("no user frr", { hint: "apt-get install -y frr" });
    const dir = this.nodeDir(sw.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const configs = renderDaemonConfigs(this.topology, sw);
    for (const daemon of FRR_DAEMONS) writeFileSync(join(dir, `${daemon}.conf`), configs[daemon]);
    for (const file of [dir, ...FRR_DAEMONS.map((d) => join(dir, `${d}.conf`))]) chownSync(file, frr.uid, frr.gid);
    signal?.throwIfAborted();
    record(await this.spawnDaemon(sw, "zebra"));
    await eventually(
      async () => {
        if (!existsSync(join(dir, "zserv.api"))) throw new LabError(`zebra on ${sw.name} did not open its socket`);
      },
      budgets(this.topology.bgp).daemonStart,
      { signal },
    );
    record(await this.spawnDaemon(sw, "bgpd"));
    signal?.throwIfAborted();
    record(await this.spawnDaemon(sw, "staticd"));
  }

  private async spawnDaemon(sw: Switch, daemon: FrrDaemon): Promise<LabProcess> {
    this.requireNotRemoving(`start ${daemon} on ${sw.name}`);
    const dir = this.nodeDir(sw.name);
    const pidFile = join(dir, `${daemon}.pid`);
    rmSync(pidFile, { force: true }); // a stale one would name a dead daemon
    const argv = [
      "ip", "netns", "exec", namespaceOf(sw.name),
      `${FRR_DIR}/${daemon}`, "-d",
      "-f", join(dir, `${daemon}.conf`),
      "-i", pidFile,
      "-z", join(dir, "zserv.api"),
      "--vty_socket", dir,
      "-u", "frr", "-g", "frr",
      "-P", "0", // no vty TCP port: vtysh uses the socket
      "--log", `file:${join(dir, "frr.log")}`,
    ];
    const result = await runLocal(argv, { timeoutMs: 10_000 });
    const pid = Number(readFileOr(pidFile, "").trim());
    if (result.exitCode !== 0 || !Number.isInteger(pid) || pid <= 0) {
      throw new CommandError(`${daemon} on ${sw.name} did not start: ${firstLine(result.stderr) || `exit ${result.exitCode}`}`, {
        hint: `see ${join(dir, "frr.log")}`,
      });
    }
    return { node: sw.name, daemon, pid, command: `${FRR_DIR}/${daemon}`, ...(result.pid ? { startPid: result.pid } : {}) };
  }

  async stopDaemon(node: string, daemon: string): Promise<void> {
    const { sw, name } = this.daemonOf(node, daemon);
    const state = readState();
    const running = state?.processes.filter((p) => p.node === sw.name && p.daemon === name && isRecorded(p)) ?? [];
    if (!state || running.length === 0) throw new LabError(`${name} is not running on ${sw.name}`);
    // SIGKILL: a crash, as a failing daemon goes; the kernel closes its sessions' sockets.
    for (const p of running) process.kill(p.pid, "SIGKILL");
    await eventually(async () => {
      if (running.some((p) => isAlive(p.pid))) throw new LabError(`${name} on ${sw.name} did not stop`);
    }, budgets(this.topology.bgp).daemonStart);
    for (const p of running) for (const dir of frrTempDirsOf(p)) rmSync(dir, { recursive: true, force: true });
    // Re-read: the lab may have been removed meanwhile, and a write would bring its record back.
    const now = readState();
    if (now && !this.removing) writeState({ ...now, processes: now.processes.filter((p) => !running.some((r) => r.pid === p.pid)) });
  }

  async startDaemon(node: string, daemon: string): Promise<void> {
    const { sw, name } = this.daemonOf(node, daemon);
    const started = await this.spawnDaemon(sw, name);
    const state = readState();
    if (state) writeState({ ...state, processes: [...state.processes, started] });
  }

  private daemonOf(node: string, daemon: string): { sw: Switch; name: FrrDaemon } {
    const sw = findSwitch(this.topology, node);
    if (!sw) throw new UnknownNodeError(`unknown switch "${node}". Switches: ${this.topology.switches.map((s) => s.name).join(", ")}`);
    const name = FRR_DAEMONS.find((d) => d === daemon);
    if (!name) throw new UsageError(`the lab runs no daemon "${daemon}"; it runs ${FRR_DAEMONS.join(", ")}`);
    return { sw, name };
  }

  async down(progress: Progress = quiet): Promise<Phase[]> {
    this.removing = true;
    try {
      return await this.removeLab(progress);
    } finally {
      this.removing = false;
    }
  }

  /** Refuses to start or record anything while the lab is being removed (it would outlive it). */
  private requireNotRemoving(what: string): void {
    if (this.removing) throw new LabError(`cannot ${what}: the lab is being removed`);
  }

  private async removeLab(progress: Progress): Promise<Phase[]> {
    const state = readState();
    if (!state) return [];
    const phases: Phase[] = [];
    let started = performance.now();
    // Recorded PIDs are only signalled while they still run an FRR daemon (a PID can be reused).
    const recorded = state.processes.filter(isRecorded).map((p) => p.pid);
    const inside = pidsInNamespaces(state.namespaces);
    const pids = [...new Set([...recorded, ...inside])].filter((pid) => pid !== process.pid);
    const killed = await stopProcesses(pids);
    phases.push({ name: "processes", ms: Math.round(performance.now() - started), detail: `${pids.length} stopped${killed.length ? `, ${killed.length} killed` : ""}` });
    started = performance.now();
    // The preflight's throwaway namespace too, should its owner have been killed inside preflight.
    const present = [...state.namespaces, preflightNamespace(state.ownerPid)].filter((ns) => namespaceInode(ns) !== undefined);
    if (present.length > 0) await ipBatch(present.map((ns) => `netns del ${ns}`), "delete the namespaces");
    phases.push({ name: "namespaces", ms: Math.round(performance.now() - started), detail: `${present.length} deleted` });
    for (const node of nodeNames(this.topology)) rmSync(this.nodeDir(node), { recursive: true, force: true });
    // A daemon stopped by SIGTERM removes its crash-log directory itself; one killed (SIGKILL) does not.
    for (const p of state.processes) {
      rmSync(this.nodeDir(p.node), { recursive: true, force: true });
      for (const dir of frrTempDirsOf(p)) rmSync(dir, { recursive: true, force: true });
    }
    for (const name of state.directories ?? []) rmSync(join(RUN_DIR, name), { recursive: true, force: true });
    clearState();
    progress(`lab down: ${phases.map((p) => `${p.name} ${p.detail} (${p.ms} ms)`).join(", ")}`);
    return phases;
  }

  async status(): Promise<LabStatus> {
    const state = readState();
    if (!state) return { driver: this.name, state: "down", topology: undefined, nodes: [] };
    const running = new Set(state.processes.filter(isRecorded).map((p) => `${p.node}/${p.daemon}`));
    const nodes: NodeStatus[] = state.namespaces.map((ns) => {
      const name = ns.slice(namespaceOf("").length);
      const exists = namespaceInode(ns) !== undefined;
      const node = state.fingerprint === this.fingerprint ? findNode(this.topology, name) : undefined;
      if (node?.kind !== "switch") {
        return { name, kind: "host", up: exists, detail: exists ? "namespace present" : "namespace missing" };
      }
      const down = FRR_DAEMONS.filter((d) => !running.has(`${name}/${d}`));
      return {
        name,
        kind: "switch",
        up: exists && down.length === 0,
        detail: !exists ? "namespace missing" : down.length ? `not running: ${down.join(", ")}` : `${FRR_DAEMONS.join(", ")} running`,
      };
    });
    const healthy = state.phase === "up" && nodes.every((n) => n.up);
    return { driver: this.name, state: healthy ? "up" : "degraded", topology: state.topology, nodes };
  }

  /** Calico on the lab's nodes: BIRD in each node's namespace, pods as namespaces (lab/calico/netns.ts). */
  private readonly podNetworks = new NetnsPodNetworks(() => this.context());

  podNetworkSupport(mode: PodNetworkMode): Promise<Support> {
    return this.podNetworks.support(mode);
  }

  podNetwork(mode: PodNetworkMode, progress?: Progress): Promise<PodNetwork> {
    return this.podNetworks.bringTo(mode, progress);
  }

  async kubernetes(): Promise<KubernetesAccess> {
    return {
      ok: false,
      reason:
        "the netns lab has no Kubernetes API: its nodes are network namespaces, not machines running a kubelet " +
        "(run these scenarios with FABRICSPEC_DRIVER=vagrant)",
    };
  }

  runner(node: string): CommandRunner {
    const local = this.localRunner(node);
    return this.transport ? this.transport(node, local) : local;
  }

  /** Runs in the node's namespace from this machine (`ip netns exec`), whatever the transport. */
  localRunner(node: string): CommandRunner {
    const { vtySocketDir, birdSocket } = this.nodeSockets(node);
    return this.namespaceRunner(node, vtySocketDir, birdSocket);
  }

  /**
   * A command as it must run in this lab to act as on the node's own shell: `vtysh` pointed at the
   * switch's own FRR, `birdc` at the node's own BIRD. Any transport (SSH too) runs this form.
   */
  nodeCommand(node: string, argv: readonly string[]): readonly string[] {
    const { vtySocketDir, birdSocket } = this.nodeSockets(node);
    return withSockets(argv, vtySocketDir, birdSocket);
  }

  private nodeSockets(node: string): { vtySocketDir: string | undefined; birdSocket: string | undefined } {
    const target = findNode(this.topology, node);
    if (!target) throw new UnknownNodeError(`unknown node "${node}". Nodes in topology "${this.topology.name}": ${nodeNames(this.topology).join(", ")}`);
    return {
      vtySocketDir: target.kind === "switch" ? this.nodeDir(node) : undefined,
      birdSocket: target.kind === "host" ? birdControlSocket(this.nodeDir(node)) : undefined,
    };
  }

  /**
   * `ip netns exec`; with a vty socket directory, vtysh reaches that switch's own FRR, as `sudo vtysh`
   * does on a real one; with a BIRD socket, birdc reaches that node's own BIRD, as calico-node's
   * `birdcl -s /var/run/calico/bird.ctl` does.
   */
  private namespaceRunner(node: string, vtySocketDir: string | undefined, birdSocket?: string): CommandRunner {
    const ns = namespaceOf(node);
    return {
      node,
      run(argv: readonly string[], options?: RunOptions): Promise<CommandResult> {
        const command = withSockets(argv, vtySocketDir, birdSocket);
        return runLocal(["ip", "netns", "exec", ns, ...command], options).then((r) => ({ ...r, command: argv }));
      },
    };
  }

  /**
   * What addons (and scenario-time extensions such as Calico's modes) build with: every namespace
   * and process they create goes into the lab's state first.
   */
  context(
    signal?: AbortSignal,
    getState: () => LabState | undefined = readState,
    setState: (state: LabState) => void = writeState,
  ): NetnsContext {
    const update = (change: (state: LabState) => LabState) => {
      this.requireNotRemoving("record a change");
      const current = getState();
      if (!current) throw new LabError("no lab is recorded: bring it up first");
      setState(change(current));
    };
    return {
      topology: this.topology,
      signal,
      namespaceOf,
      nodeDir: (node) => {
        const dir = this.nodeDir(node);
        mkdirSync(dir, { recursive: true });
        return dir;
      },
      labDir: (name) => {
        update((s) => ({ ...s, directories: [...new Set([...(s.directories ?? []), name])] }));
        const dir = join(RUN_DIR, name);
        mkdirSync(dir, { recursive: true });
        return dir;
      },
      addNamespaces: async (nodes) => {
        const names = nodes.map(namespaceOf);
        update((s) => ({ ...s, namespaces: [...new Set([...s.namespaces, ...names])] }));
        await ipBatch(names.map((ns) => `netns add ${ns}`), `create namespaces ${names.join(", ")}`);
      },
      ipBatch: (lines, what, node) => ipBatch(lines, what, node === undefined ? undefined : namespaceOf(node)),
      spawnDaemon: async (spec) => {
        signal?.throwIfAborted();
        this.requireNotRemoving(`start ${spec.name} on ${spec.node}`);
        rmSync(spec.pidFile, { force: true });
        const result = await runLocal(["ip", "netns", "exec", namespaceOf(spec.node), ...spec.argv], { timeoutMs: 10_000 });
        // Some daemons (sshd) write their PID file after the parent has exited: wait for it (on a
        // loaded two-core machine, nine sshds starting at once took over 5 s).
        const deadline = performance.now() + 15_000;
        while (result.exitCode === 0 && !existsSync(spec.pidFile) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        const pid = Number(readFileOr(spec.pidFile, "").trim());
        if (result.exitCode !== 0 || !Number.isInteger(pid) || pid <= 0) {
          throw new CommandError(`${spec.name} on ${spec.node} did not start: ${firstLine(result.stderr) || `exit ${result.exitCode}`}`);
        }
        const started: LabProcess = { node: spec.node, daemon: spec.name, pid, command: spec.command ?? spec.argv[0] ?? "" };
        update((s) => ({ ...s, processes: [...s.processes, started] }));
        return started;
      },
      localRunner: (node) => this.namespaceRunner(node, findSwitch(this.topology, node) ? this.nodeDir(node) : undefined),
      recorded: () => {
        const state = getState();
        return { namespaces: state?.namespaces ?? [], processes: state?.processes.filter(isRecorded) ?? [] };
      },
      removeNamespaces: async (nodes) => {
        const names = nodes.map(namespaceOf);
        const present = names.filter((ns) => namespaceInode(ns) !== undefined);
        if (present.length > 0) await ipBatch(present.map((ns) => `netns del ${ns}`), `delete namespaces ${present.join(", ")}`);
        update((s) => ({ ...s, namespaces: s.namespaces.filter((ns) => !names.includes(ns)) }));
      },
      stopProcess: async (target) => {
        // Signalled only while the PID still runs what was recorded (a PID can be reused).
        if (isRecorded(target)) await stopProcesses([target.pid]);
        update((s) => ({ ...s, processes: s.processes.filter((p) => p.pid !== target.pid) }));
      },
    };
  }

  private nodeDir(node: string): string {
    return join(RUN_DIR, node);
  }
}

/** `vtysh` pointed at a switch's vty socket directory, `birdc` at a node's BIRD socket; anything else as it is. */
function withSockets(argv: readonly string[], vtySocketDir: string | undefined, birdSocket: string | undefined): readonly string[] {
  if (vtySocketDir && argv[0] === "vtysh") return ["vtysh", "--vty_socket", vtySocketDir, ...argv.slice(1)];
  if (birdSocket && argv[0] === "birdc") return ["birdc", "-s", birdSocket, ...argv.slice(1)];
  return argv;
}

/** True while the recorded PID still runs what the lab started there (a PID can be reused by another process). */
function isRecorded(p: LabProcess): boolean {
  return isAlive(p.pid) && (commandLine(p.pid)?.startsWith(p.command) ?? false);
}

/** Waits for every promise to settle, then rejects with the first failure, if any. */
async function settleAll(promises: ReadonlyArray<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

/** The throwaway namespace in which preflight tries veth pairs and bridges. */
const preflightNamespace = (pid: number): string => namespaceOf(`preflight-${pid}`);

async function ipBatch(lines: readonly string[], what: string, namespace?: string): Promise<void> {
  if (lines.length === 0) return;
  const argv = namespace ? ["ip", "-n", namespace, "-batch", "-"] : ["ip", "-batch", "-"];
  const result = await runLocal(argv, { input: `${lines.join("\n")}\n`, timeoutMs: 30_000 });
  if (result.exitCode !== 0) {
    throw new CommandError(`could not ${what}: ${result.stderr.trim().split("\n").join("; ")}`);
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function frrUser(): { uid: number; gid: number } | undefined {
  const line = readFileOr("/etc/passwd", "").split("\n").find((l) => l.startsWith("frr:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
}

function readFileOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return fallback;
  }
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}
