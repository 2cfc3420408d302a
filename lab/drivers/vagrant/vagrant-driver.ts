/**
 * The blog's lab on VirtualBox or libvirt through Vagrant: lab/vagrant/Vagrantfile builds the
 * machines from the topology; this driver checks the prerequisites (with fix-its), runs
 * `vagrant up` showing each machine's phase, reaches every machine over SSH with the endpoints
 * `vagrant ssh-config` gives, provisions the switches (lab/provision/: addresses, FRR's daemons
 * file, the rendered frr.conf checked by vtysh -C, FRR restarted), waits for the
 * fabric, and builds the Kubernetes cluster with kubeadm: init on the control plane with its fabric
 * address, the join command taken from the control plane (`kubeadm token create
 * --print-join-command`), every worker joined, the kubeconfig fetched. kubectl runs on the control
 * plane: the API listens on the fabric, which the machine running Vagrant cannot route to.
 * Calico per scenario (pod network modes none, peering, overlay): ./calico/.
 * The SSH transport is injected (`(endpoint) => CommandRunner`), so is the vagrant binary.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { CommandError, LabError, UsageError } from "../../errors.js";
import { budgets, type Budget } from "../../expect/budgets.js";
import { waitForFabric } from "../../fabric/converge.js";
import { crashDaemon, frrService } from "../../kinds/frr.js";
import { keepProvisionLog, readProvisionLogs } from "../../provision/evidence.js";
import { planFabric, provisionFabric } from "../../provision/provision.js";
import { packagedTarget, type FrrTarget } from "../../provision/target.js";
import { FRR_CURRENT, type FrrRelease } from "../../render/frr-release.js";
import { findNode, nodeNames, type Topology } from "../../topology/model.js";
import type { CommandResult, CommandRunner, RunOptions } from "../../transport/runner.js";
import { must } from "../../transport/must.js";
import type { SshEndpoint } from "../../transport/ssh/endpoint.js";
import { describeFailedChecks, phaseTimer, unknownNode, type KubernetesAccess, type LabDriver, type LabStatus, type Phase, type PodNetwork, type PodNetworkMode, type PreflightCheck, type Progress, type Support, type UpOptions, type UpResult, type LabPlan, type ProvisionLog } from "../driver.js";
import type { VagrantPodNetworkBudgets } from "./calico/lab.js";
import { VagrantPodNetworks } from "./calico/pod-networks.js";
import { withCalicoBird } from "./calico/runners.js";
import { parseBoxList, parseMachineReadable, parsePlugins, parseSshConfig, parseStatus, upProgress, vagrantError, type VagrantRecord } from "./machine-readable.js";

export const VAGRANT_DIR = fileURLToPath(new URL("../../vagrant/", import.meta.url));
/** Where the driver keeps what it fetched (kubeconfig), next to Vagrant's own state. */
const STATE_DIR = join(VAGRANT_DIR, ".vagrant", "fabricspec");
const KUBECONFIG_ON_CONTROL_PLANE = "/etc/kubernetes/admin.conf";

export interface VagrantDriverOptions {
  /** The SSH transport: a CommandRunner for an endpoint (lab/transport/ssh/pool.ts). */
  readonly ssh: (endpoint: SshEndpoint) => CommandRunner;
  /** virtualbox (the blog's, and the default) or libvirt. */
  readonly provider?: string;
  /** The vagrant binary (a test gives a recorded fake). */
  readonly vagrant?: string;
  /** The boxes the Vagrantfile will ask for (lab/vagrant/settings.yaml): the switches', the hosts'. */
  readonly boxes?: readonly string[];
  /** The switch image the Vagrantfile will use (cumulus, frr). */
  readonly switchImage?: string;
  /** Its FRR release (lab/vagrant/settings.yaml `frr:`): what the rendered frr.conf may say. Default 7.4 or later. */
  readonly switchFrr?: FrrRelease;
  /** Receives every provisioning command with its result (the run's evidence). */
  readonly observe?: (machine: string, step: string, result: CommandResult) => void;
  /** Where the fetched kubeconfig and the switches' provisioning logs go; default lab/vagrant/.vagrant/fabricspec. */
  readonly stateDir?: string;
  /** Waits for the fabric to converge; default: the same wait as every lab (a test replaces it). */
  readonly waitForFabric?: (runnerOf: (node: string) => CommandRunner, signal?: AbortSignal) => Promise<unknown>;
  /** The pod network waits' budgets; default lab/expect/budgets.ts (a test gives tiny ones). */
  readonly podNetworkBudgets?: Partial<VagrantPodNetworkBudgets>;
}

const quiet: Progress = () => {};

export class VagrantDriver implements LabDriver {
  readonly name = "vagrant";
  private readonly provider: string;
  private endpoints: Map<string, SshEndpoint> | undefined;
  private readonly runners = new Map<string, CommandRunner>();
  private readonly podNetworks: VagrantPodNetworks;

  constructor(
    readonly topology: Topology,
    private readonly options: VagrantDriverOptions,
  ) {
    this.provider = options.provider ?? process.env.VAGRANT_DEFAULT_PROVIDER ?? "virtualbox";
    const all = budgets(topology.bgp);
    const defaults: Record<keyof VagrantPodNetworkBudgets, Budget> = {
      calicoNodeReady: all.calicoNodeReady,
      testPodsRunning: all.testPodsRunning,
      podNetworkRemoved: all.podNetworkRemoved,
      routeWithdrawn: all.routeInstalled,
    };
    this.podNetworks = new VagrantPodNetworks({
      topology,
      runner: (node) => this.runner(node),
      kubectl: () => this.kubectl(),
      kubeconfig: KUBECONFIG_ON_CONTROL_PLANE,
      budgets: { ...defaults, ...options.podNetworkBudgets },
    });
  }

  /** Runs vagrant in lab/vagrant with this topology; each machine-readable line as it comes. */
  async vagrant(args: readonly string[], onRecord?: (r: VagrantRecord) => void, timeoutMs = 60 * 60_000): Promise<{ result: CommandResult; records: VagrantRecord[] }> {
    const started = performance.now();
    const child = execa(this.options.vagrant ?? "vagrant", [...args], {
      cwd: VAGRANT_DIR,
      env: { FABRICSPEC_TOPOLOGY: resolve(this.topology.source), VAGRANT_DEFAULT_PROVIDER: this.provider },
      reject: false,
      timeout: timeoutMs,
      stdin: "ignore",
    });
    let pending = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const record of parseMachineReadable(lines.join("\n"))) onRecord?.(record);
    });
    const done = await child;
    const stdout = String(done.stdout ?? "");
    const result: CommandResult = {
      command: ["vagrant", ...args],
      exitCode: done.code === "ENOENT" ? 127 : done.timedOut ? 124 : (done.exitCode ?? 1),
      stdout,
      stderr: done.code === "ENOENT" ? "vagrant: command not found" : String(done.stderr ?? ""),
      durationMs: Math.round(performance.now() - started),
    };
    if (pending !== "") for (const record of parseMachineReadable(pending)) onRecord?.(record);
    return { result, records: parseMachineReadable(stdout) };
  }

  async preflight(): Promise<PreflightCheck[]> {
    const version = await this.vagrant(["--version"]);
    const present = version.result.exitCode === 0;
    const checks: PreflightCheck[] = [
      {
        name: "vagrant",
        ok: present,
        detail: present ? version.result.stdout.trim() : "vagrant is not installed",
        fix: "apt-get install -y vagrant (Debian), or install it from HashiCorp's packages",
      },
    ];
    if (!present) return checks;
    if (this.provider === "libvirt") {
      const plugins = parsePlugins((await this.vagrant(["plugin", "list", "--machine-readable"])).records);
      const ok = plugins.includes("vagrant-libvirt");
      checks.push({ name: "provider libvirt", ok, detail: ok ? "vagrant-libvirt plugin installed" : `plugins: ${plugins.join(", ") || "none"}`, fix: "apt-get install -y vagrant-libvirt libvirt-daemon-system" });
    } else {
      const vbox = await this.vagrant(["status", "--machine-readable"]);
      const error = vagrantError(vbox.records);
      const ok = !error;
      checks.push({
        name: `provider ${this.provider}`,
        ok,
        detail: ok ? `${this.provider} is usable` : `${error.kind}: ${error.message.split("\n")[0] ?? ""}`,
        fix: this.provider === "virtualbox" ? "install VirtualBox (VBoxManage on PATH), or set VAGRANT_DEFAULT_PROVIDER=libvirt" : `install the ${this.provider} provider`,
      });
    }
    const boxes = parseBoxList((await this.vagrant(["box", "list", "--machine-readable"])).records);
    for (const box of this.options.boxes ?? []) {
      const found = boxes.find((b) => b.name === box && (b.provider === undefined || b.provider === this.provider));
      checks.push({
        name: `box ${box}`,
        ok: found !== undefined,
        detail: found ? `${box} ${found.version ?? ""} (${found.provider ?? "?"})` : `not added for ${this.provider}`,
        fix: box.startsWith("CumulusCommunity/")
          ? `vagrant box add ${box} --provider ${this.provider} (Cumulus VX community boxes are end-of-life: if it is gone, use FABRICSPEC_SWITCH_IMAGE=frr)`
          : `vagrant box add ${box} --provider ${this.provider}`,
      });
    }
    return checks;
  }

  async up(options: UpOptions = {}): Promise<UpResult> {
    const progress = options.progress ?? quiet;
    this.podNetworks.forget();
    const phases: Phase[] = [];
    const timed = phaseTimer(phases, progress, options.signal);
    await timed("preflight", async () => {
      const failed = (await this.preflight()).filter((c) => !c.ok);
      if (failed.length > 0) throw new LabError(`the vagrant lab cannot start:\n${describeFailedChecks(failed)}`);
    });
    await timed("machines", async () => {
      const up = await this.vagrant(["up", "--machine-readable", "--provider", this.provider], (r) => {
        const said = upProgress(r);
        if (said) progress(said);
      });
      const error = vagrantError(up.records);
      if (up.result.exitCode !== 0) throw new CommandError(`vagrant up failed: ${error ? `${error.kind}: ${error.message}` : up.result.stderr.trim() || `exit ${up.result.exitCode}`}`);
    });
    await timed("ssh endpoints", () => this.loadEndpoints());
    await timed("provisioning", () => this.provisionSwitches(progress), `${this.topology.switches.length} switches over SSH`);
    await timed("convergence", async () => {
      const wait = this.options.waitForFabric ?? ((runnerOf, signal) => waitForFabric(this.topology, runnerOf, budgets(this.topology.bgp).convergence, signal));
      await wait((n) => this.runner(n), options.signal);
    });
    await timed("kubernetes", () => this.buildCluster(progress));
    return { reused: false, phases };
  }

  /** The SSH endpoint of every machine, from `vagrant ssh-config`. */
  private async loadEndpoints(): Promise<void> {
    const { result } = await this.vagrant(["ssh-config", ...nodeNames(this.topology)]);
    if (result.exitCode !== 0) throw new CommandError(`vagrant ssh-config failed: ${result.stderr.trim() || result.stdout.trim()}`);
    this.endpoints = new Map(parseSshConfig(result.stdout).map((e) => [e.node, e]));
    const missing = nodeNames(this.topology).filter((n) => !this.endpoints?.has(n));
    if (missing.length > 0) throw new LabError(`vagrant ssh-config gave no endpoint for ${missing.join(", ")}`);
  }

  /**
   * Every switch made by the provisioner (lab/provision/) over SSH, as packaged FRR runs: its
   * forwarding, loopback, links and rack bridge addressed, FRR's daemons file, the same rendered
   * frr.conf as every lab (checked by the switch's own `vtysh -C` first), FRR restarted.
   */
  private async provisionSwitches(progress: Progress): Promise<void> {
    await provisionFabric(this.topology, (node) => this.runner(node), this.frrTarget(), {
      progress,
      ...(this.options.observe ? { observe: this.options.observe } : {}),
      log: (log) => keepProvisionLog(this.provisionLogFile(log.machine), log),
    });
  }

  /** Packaged FRR of the switch image's release. */
  private frrTarget(): FrrTarget {
    return packagedTarget(this.options.switchFrr ?? FRR_CURRENT);
  }

  /** Each switch's log from the `vagrant up` that built the machines (kept until `vagrant destroy`). */
  provisionLogs(): ProvisionLog[] {
    return readProvisionLogs(this.topology.switches.map((sw) => sw.name), (m) => this.provisionLogFile(m));
  }

  private provisionLogFile(machine: string): string {
    return join(this.options.stateDir ?? STATE_DIR, "provision", `${machine}.log`);
  }

  /** What `up` would do, computed here without vagrant or a hypervisor. */
  plan(): LabPlan {
    const [switchBox, hostBox] = this.options.boxes ?? [];
    const control = this.topology.hosts.find((h) => h.role === "control-plane");
    return {
      driver: this.name,
      topology: this.topology.name,
      before: [
        `vagrant up --machine-readable --provider ${this.provider} in ${VAGRANT_DIR} (FABRICSPEC_TOPOLOGY=${this.topology.source})`,
        `switches: box ${switchBox ?? "?"} (image ${this.options.switchImage ?? "?"}); the Vagrantfile's provisioners: "interfaces" (each NIC renamed by its MAC to the topology's name)${this.options.switchImage === "frr" ? ', "frr" (FRR installed from the distribution, neither configured nor started)' : ""}`,
        `hosts: box ${hostBox ?? "?"}; "interfaces", "fabric" (the fabric address on eth1, the fabric's prefixes via the rack gateway, kubelet --node-ip), "kubeadm" (lab/vagrant/provision/kubeadm-node.sh)`,
        "vagrant ssh-config: every machine's SSH endpoint (commands with sudo -n)",
      ],
      machines: planFabric(this.topology, this.frrTarget()),
      after: [
        "wait until every session is Established and every prefix installed (budget: convergence)",
        ...(control ? [`kubeadm init on ${control.name} --apiserver-advertise-address ${control.address} --pod-network-cidr ${this.topology.podNetwork}`] : []),
        "kubeadm token create --print-join-command; kubeadm join on every worker with its --node-name",
        `the kubeconfig fetched from ${KUBECONFIG_ON_CONTROL_PLANE}`,
      ],
    };
  }

  /** kubeadm init on the control plane, the join command from it, every worker joined, the kubeconfig fetched. */
  private async buildCluster(progress: Progress): Promise<void> {
    const control = this.topology.hosts.find((h) => h.role === "control-plane");
    if (!control) throw new UsageError(`topology "${this.topology.name}" has no control-plane host`);
    const cp = this.runner(control.name);
    const initialized = await cp.run(["test", "-f", KUBECONFIG_ON_CONTROL_PLANE]);
    if (initialized.exitCode !== 0) {
      progress(`kubeadm init on ${control.name} (${control.address})`);
      await must(cp, ["kubeadm", "init", "--apiserver-advertise-address", control.address, "--pod-network-cidr", this.topology.podNetwork, "--node-name", control.name], undefined, 20 * 60_000);
    }
    const printed = await must(cp, ["kubeadm", "token", "create", "--print-join-command"]);
    const joinArgv = printed.stdout.trim().split(/\s+/);
    if (joinArgv[0] !== "kubeadm" || joinArgv[1] !== "join") throw new CommandError(`kubeadm printed no join command: ${printed.stdout.trim()}`);
    await Promise.all(
      this.topology.hosts
        .filter((h) => h !== control)
        .map(async (h) => {
          const runner = this.runner(h.name);
          if ((await runner.run(["test", "-f", "/etc/kubernetes/kubelet.conf"])).exitCode === 0) return;
          progress(`kubeadm join on ${h.name} (${h.address})`);
          await must(runner, [...joinArgv, "--node-name", h.name], undefined, 20 * 60_000);
        }),
    );
    const kubeconfig = await must(cp, ["cat", KUBECONFIG_ON_CONTROL_PLANE]);
    const dir = this.options.stateDir ?? STATE_DIR;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "admin.conf"), kubeconfig.stdout, { mode: 0o600 });
    progress(`kubeconfig: ${join(dir, "admin.conf")} (its API address is on the fabric: use it from the control plane, or through an SSH tunnel)`);
  }

  async down(progress: Progress = quiet): Promise<Phase[]> {
    const started = performance.now();
    const { result } = await this.vagrant(["destroy", "--force", "--machine-readable"]);
    if (result.exitCode !== 0) throw new CommandError(`vagrant destroy failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
    rmSync(join(this.options.stateDir ?? STATE_DIR, "provision"), { recursive: true, force: true }); // the machines they describe are gone
    const ms = Math.round(performance.now() - started);
    progress(`lab down: vagrant destroy (${ms} ms)`);
    this.endpoints = undefined;
    this.runners.clear();
    this.podNetworks.forget();
    return [{ name: "destroy", ms }];
  }

  async status(): Promise<LabStatus> {
    const { records } = await this.vagrant(["status", "--machine-readable"]);
    const error = vagrantError(records);
    if (error) throw new LabError(`vagrant status failed: ${error.kind}: ${error.message.split("\n")[0] ?? ""}`);
    const machines = parseStatus(records);
    const nodes = machines.map((m) => ({
      name: m.name,
      kind: findNode(this.topology, m.name)?.kind ?? "host",
      up: m.state === "running",
      detail: `${m.description ?? m.state} (${m.provider ?? this.provider})`,
    }));
    const running = nodes.filter((n) => n.up).length;
    return { driver: this.name, state: running === 0 ? "down" : running === nodes.length ? "up" : "degraded", topology: running === 0 ? undefined : this.topology.name, nodes };
  }

  async stopDaemon(node: string, daemon: string): Promise<void> {
    // watchfrr restarts a killed daemon from frr.conf, without what vtysh changed since.
    this.podNetworks.forget();
    await must(this.runner(node), crashDaemon(daemon));
  }

  async startDaemon(node: string, _daemon: string): Promise<void> {
    // FRR restarts from frr.conf: a leaf loses the peering configuration a pod network gave it.
    this.podNetworks.forget();
    await must(this.runner(node), frrService("restart"));
  }

  /** Every pod network mode, with the real Calico (./calico/); the machines' kernels have ipip. */
  async podNetworkSupport(mode: PodNetworkMode): Promise<Support> {
    return this.podNetworks.support(mode);
  }

  podNetwork(mode: PodNetworkMode, progress?: Progress): Promise<PodNetwork> {
    return this.podNetworks.bringTo(mode, progress);
  }

  async kubernetes(): Promise<KubernetesAccess> {
    const control = this.topology.hosts.find((h) => h.role === "control-plane");
    if (!control) return { ok: false, reason: `topology "${this.topology.name}" has no control-plane host` };
    return { ok: true, kubectl: this.kubectl() };
  }

  /** kubectl on the control plane, with the cluster's kubeconfig there. */
  private kubectl(): CommandRunner {
    const control = this.topology.hosts.find((h) => h.role === "control-plane");
    if (!control) throw new UsageError(`topology "${this.topology.name}" has no control-plane host`);
    const runner = this.runner(control.name);
    return {
      node: "kubectl",
      run: (argv: readonly string[], options?: RunOptions) =>
        runner.run(argv[0] === "kubectl" ? ["kubectl", "--kubeconfig", KUBECONFIG_ON_CONTROL_PLANE, ...argv.slice(1)] : argv, options),
    };
  }

  /** The machine's SSH runner; on a Kubernetes node `birdc` reaches calico-node's BIRD. */
  runner(node: string): CommandRunner {
    const target = findNode(this.topology, node);
    if (!target) throw unknownNode(this.topology, node);
    const ssh = this.sshRunner(node);
    return target.kind === "host" ? withCalicoBird(ssh) : ssh;
  }

  private sshRunner(node: string): CommandRunner {
    const cached = this.runners.get(node);
    if (cached) return cached;
    const endpoints = this.endpoints;
    const lazy: CommandRunner = {
      node,
      run: async (argv, options) => {
        if (!this.endpoints) await this.loadEndpoints();
        const endpoint = (this.endpoints ?? endpoints)?.get(node);
        if (!endpoint) throw new LabError(`no SSH endpoint for ${node}: is the vagrant lab up?`);
        const inner = this.options.ssh(endpoint);
        this.runners.set(node, inner);
        return inner.run(argv, options);
      },
    };
    return lazy;
  }
}
