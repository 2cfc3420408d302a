import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadTopology } from "../../topology/load.js";
import { formatCommand, type CommandResult, type CommandRunner } from "../../transport/runner.js";
import type { SshEndpoint } from "../../transport/ssh/endpoint.js";
import { LabError } from "../../errors.js";
import { FakeMachine } from "../../provision/fake-machine.js";
import { formatLabPlan } from "../../provision/plan.js";
import { frrRelease } from "../../render/frr-release.js";
import { calicoNodeEnv, withCalicoNodeEnv } from "./calico/manifest.js";
import { VagrantDriver } from "./vagrant-driver.js";

const FAKE_VAGRANT = fileURLToPath(new URL("./fake-vagrant.mjs", import.meta.url));
const JOIN = "kubeadm join 10.0.101.10:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:0123";

/**
 * A fake SSH transport: records every command per node and answers like freshly provisioned
 * machines; a switch is a FakeMachine (lab/provision/fake-machine.ts) with the topology's NICs, bare.
 */
function fakeSsh(log: string[], endpoints: SshEndpoint[]) {
  const t = loadTopology();
  const switches = new Map(t.switches.map((sw) => [sw.name, new FakeMachine(sw.name, [...sw.interfaces.map((i) => i.name), ...t.hosts.filter((h) => h.leaf === sw.name).map((h) => h.leafPort)])]));
  return (endpoint: SshEndpoint): CommandRunner => {
    endpoints.push(endpoint);
    return {
      node: endpoint.node,
      async run(argv, options): Promise<CommandResult> {
        const command = formatCommand(argv);
        log.push(`${endpoint.node}$ ${command}`);
        const fakeSwitch = switches.get(endpoint.node);
        if (fakeSwitch) return fakeSwitch.run(argv, options);
        const answer = (stdout: string, exitCode = 0) => ({ command: argv, exitCode, stdout, stderr: "", durationMs: 1 });
        if (argv[0] === "test") return answer("", 1); // nothing initialized or joined yet
        if (command === "kubeadm token create --print-join-command") return answer(`${JOIN}\n`);
        if (command === "cat /etc/kubernetes/admin.conf") return answer("apiVersion: v1\nkind: Config\n");
        return answer("");
      },
    };
  };
}

function driver(logFile: string, ssh: (e: SshEndpoint) => CommandRunner, waits: string[]) {
  process.env.FAKE_VAGRANT_LOG = logFile;
  return new VagrantDriver(loadTopology(), {
    ssh,
    provider: "libvirt",
    vagrant: FAKE_VAGRANT,
    boxes: ["CumulusCommunity/cumulus-vx", "ubuntu/jammy64"],
    stateDir: mkdtempSync(join(tmpdir(), "fabricspec-vagrant-")),
    waitForFabric: async () => {
      waits.push("fabric");
    },
  });
}

test("VagrantDriver.up (with a fake vagrant and a fake SSH): machines, endpoints, switches, fabric, kubeadm, in that order", async () => {
  const dir = mkdtempSync(join(tmpdir(), "fabricspec-vagrant-"));
  const logFile = join(dir, "vagrant.log");
  const commands: string[] = [];
  const endpoints: SshEndpoint[] = [];
  const waits: string[] = [];
  const progress: string[] = [];
  const lab = driver(logFile, fakeSsh(commands, endpoints), waits);
  const { phases } = await lab.up({ progress: (m) => progress.push(m) });

  const vagrantCalls = readFileSync(logFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { args: string[]; topology: string; provider: string });
  assert.deepEqual(vagrantCalls.map((c) => c.args.join(" ")), [
    "--version",
    "plugin list --machine-readable",
    "box list --machine-readable",
    "up --machine-readable --provider libvirt",
    "ssh-config spine1 spine2 leaf1 leaf2 k8s-master-l1-1 k8s-node-l1-1 k8s-node-l1-2 k8s-node-l2-1 k8s-node-l2-2",
  ]);
  assert.ok(vagrantCalls.every((c) => c.topology.endsWith("lab/topologies/blog.yaml") && c.provider === "libvirt"));
  assert.deepEqual(phases.map((p) => p.name), ["preflight", "machines", "ssh endpoints", "provisioning", "convergence", "kubernetes"]);
  assert.ok(progress.includes("spine1: Machine booted and ready!"), progress.join("\n"));
  assert.ok(progress.includes("k8s-node-l2-2: up"));

  const spine1 = endpoints.find((e) => e.node === "spine1");
  assert.deepEqual(spine1, {
    node: "spine1",
    host: "192.168.121.10",
    port: 22,
    user: "vagrant",
    identityFile: "/root/fabricspec/lab/vagrant/.vagrant/machines/spine1/libvirt/private_key",
    insecureIgnoreHostKey: true,
    sudo: true,
  });
  const on = (node: string) => commands.filter((c) => c.startsWith(`${node}$ `)).map((c) => c.slice(node.length + 2));
  // The provisioner on each switch: addresses by the topology's interface names, the daemons file,
  // frr.conf checked by FRR's dry run before it is installed, FRR restarted last.
  const leaf1 = on("leaf1").filter((c) => !/^(ip -o|sysctl -n|cmp|systemctl is-active|ip link show)/.test(c));
  assert.deepEqual(leaf1, [
    "sysctl -qw net.ipv4.ip_forward=1",
    "ip addr replace 172.16.255.101/32 dev lo", "ip link set lo up",
    "ip addr replace 172.16.0.1/31 dev swp51", "ip link set swp51 up",
    "ip addr replace 172.16.0.5/31 dev swp52", "ip link set swp52 up",
    "ip link add bridge type bridge",
    "ip link set swp1 master bridge", "ip link set swp1 up",
    "ip link set swp2 master bridge", "ip link set swp2 up",
    "ip link set swp3 master bridge", "ip link set swp3 up",
    "ip addr replace 10.0.101.1/24 dev bridge", "ip link set bridge up",
    "dd of=/etc/frr/daemons status=none", "chown frr:frr /etc/frr/daemons", "chmod 0640 /etc/frr/daemons",
    "dd of=/etc/frr/frr.conf.fabricspec-new status=none", "chown frr:frr /etc/frr/frr.conf.fabricspec-new", "chmod 0640 /etc/frr/frr.conf.fabricspec-new",
    "vtysh -C -f /etc/frr/frr.conf.fabricspec-new",
    "mv -f /etc/frr/frr.conf.fabricspec-new /etc/frr/frr.conf",
    "systemctl enable frr", "systemctl restart frr",
  ]);
  assert.deepEqual(on("k8s-master-l1-1"), [
    "test -f /etc/kubernetes/admin.conf",
    "kubeadm init --apiserver-advertise-address 10.0.101.10 --pod-network-cidr 192.168.0.0/16 --node-name k8s-master-l1-1",
    "kubeadm token create --print-join-command",
    "cat /etc/kubernetes/admin.conf",
  ]);
  assert.deepEqual(on("k8s-node-l2-1"), ["test -f /etc/kubernetes/kubelet.conf", `${JOIN} --node-name k8s-node-l2-1`]);
  // The switches are configured before the fabric is waited for, the cluster after it.
  assert.ok(commands.indexOf("spine1$ systemctl restart frr") < commands.indexOf("k8s-master-l1-1$ test -f /etc/kubernetes/admin.conf"));
  assert.deepEqual(waits, ["fabric"]);
  // What the provisioner did, kept per switch for the run's report until the machines are destroyed.
  const logs = lab.provisionLogs();
  assert.deepEqual(logs.map((l) => l.machine), ["spine1", "spine2", "leaf1", "leaf2"]);
  assert.match(logs[2]?.text ?? "", /^leaf1: 12 of 12 steps changed \(forwarding, loopback, link swp51, /);
  assert.ok(logs[2]?.text.includes("\n   run     $ ip addr replace 172.16.0.1/31 dev swp51  (exit 0, 0 ms)\n"), logs[2]?.text);
  await lab.down();
  assert.deepEqual(lab.provisionLogs(), []);
});

test("VagrantDriver.preflight: a missing box says how to add it, and that Cumulus VX boxes are end-of-life", async () => {
  const dir = mkdtempSync(join(tmpdir(), "fabricspec-vagrant-"));
  process.env.FAKE_VAGRANT_NO_BOXES = "1";
  try {
    const checks = await driver(join(dir, "vagrant.log"), fakeSsh([], []), []).preflight();
    assert.deepEqual(checks.map((c) => [c.name, c.ok]), [
      ["vagrant", true],
      ["provider libvirt", true],
      ["box CumulusCommunity/cumulus-vx", false],
      ["box ubuntu/jammy64", false],
    ]);
    assert.match(checks[2]?.fix ?? "", /^vagrant box add CumulusCommunity\/cumulus-vx --provider libvirt \(Cumulus VX community boxes are end-of-life/);
  } finally {
    delete process.env.FAKE_VAGRANT_NO_BOXES;
  }
});

test("VagrantDriver.status: the real `vagrant status` of the blog's Vagrantfile, nothing created", async () => {
  const dir = mkdtempSync(join(tmpdir(), "fabricspec-vagrant-"));
  const status = await driver(join(dir, "vagrant.log"), fakeSsh([], []), []).status();
  assert.equal(status.state, "down");
  assert.deepEqual(status.nodes.map((n) => `${n.name} ${n.kind} ${n.up} ${n.detail}`).slice(0, 2), ["spine1 switch false not created (libvirt)", "spine2 switch false not created (libvirt)"]);
  assert.equal(status.nodes.length, 9);
});

test("VagrantDriver: no vagrant installed is a failed preflight with its fix", async () => {
  const lab = new VagrantDriver(loadTopology(), { ssh: fakeSsh([], []), vagrant: "/nonexistent/vagrant" });
  const [check] = await lab.preflight();
  assert.deepEqual([check?.ok, check?.detail], [false, "vagrant is not installed"]);
});

// ---------------------------------------------------------------------------------------------
// Calico per scenario (./calico/), against the fake vagrant and a FAKE SSH transport that plays
// a kubeadm cluster: it runs nothing, answers kubectl, crictl and vtysh as the machines would, and
// keeps what the driver applied (Calico installed or not, the mode recorded, the test pods).

const KUBECTL = "kubectl --kubeconfig /etc/kubernetes/admin.conf";
const MANIFEST = "https://raw.githubusercontent.com/projectcalico/calico/v3.27.3/manifests/calico.yaml";
/** What the control plane's curl fetches: an excerpt of that manifest, verbatim (fixtures/README.md). */
const CALICO_MANIFEST_EXCERPT = readFileSync(new URL("./fixtures/calico-v3.27.3-manifest-excerpt.yaml", import.meta.url), "utf8");
const CALICOCTL = "/usr/local/bin/calicoctl-v3.27.3";
const CRICTL = "crictl --runtime-endpoint unix:///run/containerd/containerd.sock";
const HOSTS = ["k8s-master-l1-1", "k8s-node-l1-1", "k8s-node-l1-2", "k8s-node-l2-1", "k8s-node-l2-2"];
const PLAN_ADDRESSES: Record<string, string> = {
  "k8s-master-l1-1": "192.168.0.1",
  "k8s-node-l1-1": "192.168.0.65",
  "k8s-node-l1-2": "192.168.0.129",
  "k8s-node-l2-1": "192.168.0.193",
  "k8s-node-l2-2": "192.168.1.1",
};

interface FakeCluster {
  calico: boolean;
  marker: string | undefined;
  testPods: boolean;
  /** Nodes whose calico-node never becomes ready. */
  neverReady: string[];
  /** The input of every `-f -` command, in order. */
  inputs: string[];
  /** The leaves have their rack's nodes as neighbors (FRR not restarted since). */
  leavesPeering?: boolean;
}

const podList = (pods: object[]) => JSON.stringify({ apiVersion: "v1", kind: "List", items: pods });
const pod = (name: string, namespace: string, node: string, ready: boolean, podIP: string) => ({
  metadata: { name, namespace },
  spec: { nodeName: node },
  status: { phase: "Running", podIP, containerStatuses: [{ name: "c", ready }] },
});

/** A FAKE SSH transport playing the blog's machines with a kubeadm cluster on them. */
function fakeCluster(log: string[], cluster: FakeCluster) {
  return (endpoint: SshEndpoint): CommandRunner => ({
    node: endpoint.node,
    async run(argv, options): Promise<CommandResult> {
      const command = formatCommand(argv);
      log.push(`${endpoint.node}$ ${command}`);
      if (options?.input !== undefined) cluster.inputs.push(options.input);
      const answer = (stdout: string, exitCode = 0, stderr = "") => ({ command: argv, exitCode, stdout, stderr, durationMs: 1 });
      const k = command.startsWith(`${KUBECTL} `) ? command.slice(KUBECTL.length + 1) : undefined;
      if (k === "get daemonset/calico-node configmap/fabricspec-pod-network --namespace kube-system --ignore-not-found -o json") {
        const items = [
          ...(cluster.calico ? [{ kind: "DaemonSet", metadata: { name: "calico-node" } }] : []),
          ...(cluster.marker ? [{ kind: "ConfigMap", metadata: { name: "fabricspec-pod-network" }, data: { mode: cluster.marker } }] : []),
        ];
        return answer(items.length ? podList(items) : "");
      }
      if (k === "apply -f -") {
        // Calico's manifest is YAML (and holds calico-node's DaemonSet); the driver's own are JSON.
        if ((options?.input ?? "").includes("\nkind: DaemonSet\n")) cluster.calico = true;
        else {
          const applied = JSON.parse(options?.input ?? "{}") as { kind: string; data?: { mode: string } };
          if (applied.kind === "ConfigMap") cluster.marker = applied.data?.mode;
          if (applied.kind === "List") cluster.testPods = true;
        }
        return answer("applied\n");
      }
      if (command === `curl -fsSL --retry 3 ${MANIFEST}`) return answer(CALICO_MANIFEST_EXCERPT);
      if (k?.startsWith(`delete -f ${MANIFEST}`)) cluster.calico = false;
      if (k?.startsWith("delete namespace fabricspec")) cluster.testPods = false;
      if (k?.startsWith("delete configmap fabricspec-pod-network")) cluster.marker = undefined;
      if (k === "get pods --namespace kube-system --selector k8s-app=calico-node -o json") {
        return answer(podList(HOSTS.map((h, i) => pod(`calico-node-${i}`, "kube-system", h, !cluster.neverReady.includes(h), "10.0.0.1"))));
      }
      if (k === "get pods --namespace fabricspec -o json") {
        return answer(podList(cluster.testPods ? HOSTS.map((h) => pod(`pod-${h}`, "fabricspec", h, true, PLAN_ADDRESSES[h] ?? "")) : []));
      }
      if (k === "get nodes -o json") return answer(readFileSync(new URL("../../probes/fixtures/kubectl-constructed-nodes-blog-no-pod-network.json", import.meta.url), "utf8"));
      if (command === `test -x ${CALICOCTL}`) return answer("", 1);
      if (command === "dpkg --print-architecture") return answer("amd64\n");
      if (command.startsWith(`${CRICTL} pods `)) return answer(`sandbox-${endpoint.node}\n`);
      if (command.startsWith(`${CRICTL} ps `)) return answer(cluster.calico ? "c0ffee\n" : "");
      if (command.startsWith(`${CRICTL} inspectp `)) {
        return answer(JSON.stringify({ status: {}, info: { pid: 4242, runtimeSpec: { linux: { namespaces: [{ type: "pid" }, { type: "network", path: `/var/run/netns/cni-${endpoint.node}` }] } } } }));
      }
      if (command === "ip -j route show") return answer("[]");
      if (command === "vtysh -c 'show bgp ipv4 unicast summary json'") {
        // What FRR would say: the rack's nodes as neighbors when the leaf is in peering mode.
        const rack = endpoint.node === "leaf1" ? ["10.0.101.10", "10.0.101.101", "10.0.101.102"] : ["10.0.102.101", "10.0.102.102"];
        const asn = endpoint.node === "leaf1" ? 65101 : 65102;
        const peers = Object.fromEntries((cluster.leavesPeering ? rack : []).map((ip) => [ip, { remoteAs: asn, state: "Established", peerState: "OK", pfxRcd: 1, peerUptimeMsec: 1000 }]));
        return answer(JSON.stringify({ routerId: "172.16.255.101", as: asn, peers: { "172.16.0.0": { remoteAs: 65001, state: "Established", peerUptimeMsec: 1000 }, ...peers } }));
      }
      if (argv[0] === "vtysh") return answer("");
      if (argv[0] === "nsenter") return answer("PING\n");
      return answer("");
    },
  });
}

const tiny = { name: "test_tiny", ms: 40, reason: "a test's", intervalMs: 5 };

function calicoLab(cluster: FakeCluster, log: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "fabricspec-vagrant-"));
  process.env.FAKE_VAGRANT_LOG = join(dir, "vagrant.log");
  return new VagrantDriver(loadTopology(), {
    ssh: fakeCluster(log, cluster),
    provider: "libvirt",
    vagrant: FAKE_VAGRANT,
    podNetworkBudgets: { calicoNodeReady: { ...tiny, name: "calico_node_ready" }, testPodsRunning: tiny, podNetworkRemoved: tiny, routeWithdrawn: tiny },
  });
}

const newCluster = (): FakeCluster => ({ calico: false, marker: undefined, testPods: false, neverReady: [], inputs: [] });
const commandsOn = (log: readonly string[], node: string) => log.filter((c) => c.startsWith(`${node}$ `)).map((c) => c.slice(node.length + 2));
const kubectlOn = (log: readonly string[]) => commandsOn(log, "k8s-master-l1-1").filter((c) => c.startsWith(KUBECTL)).map((c) => c.slice(KUBECTL.length + 1));

const LEAF1_PEERING = [
  "configure terminal",
  "router bgp 65101",
  "neighbor 10.0.101.10 remote-as 65101",
  "neighbor 10.0.101.10 description k8s-master-l1-1",
  "neighbor 10.0.101.101 remote-as 65101",
  "neighbor 10.0.101.101 description k8s-node-l1-1",
  "neighbor 10.0.101.102 remote-as 65101",
  "neighbor 10.0.101.102 description k8s-node-l1-2",
  "address-family ipv4 unicast",
  "neighbor 10.0.101.10 route-reflector-client",
  "neighbor 10.0.101.10 next-hop-self",
  "neighbor 10.0.101.101 route-reflector-client",
  "neighbor 10.0.101.101 next-hop-self",
  "neighbor 10.0.101.102 route-reflector-client",
  "neighbor 10.0.101.102 next-hop-self",
  "exit-address-family",
];
const vtyshLine = (commands: readonly string[]) => formatCommand(["vtysh", ...commands.flatMap((c) => ["-c", c])]);

test("VagrantDriver.podNetwork: none to peering (fake vagrant, fake SSH): the leaves, Calico's manifest, autodetection, labels, calicoctl, calico-node Ready, test pods", async () => {
  const log: string[] = [];
  const cluster = newCluster();
  const lab = calicoLab(cluster, log);
  assert.deepEqual(await lab.podNetworkSupport("peering"), { ok: true });
  const progress: string[] = [];
  const network = await lab.podNetwork("peering", (m) => progress.push(m));

  assert.deepEqual(kubectlOn(log), [
    "get daemonset/calico-node configmap/fabricspec-pod-network --namespace kube-system --ignore-not-found -o json",
    "apply -f -",
    "apply -f -",
    "wait --for condition=established --timeout 60s crd/bgpconfigurations.crd.projectcalico.org crd/bgppeers.crd.projectcalico.org crd/ippools.crd.projectcalico.org",
    "label node k8s-master-l1-1 rack=leaf1 --overwrite",
    "label node k8s-node-l1-1 rack=leaf1 --overwrite",
    "label node k8s-node-l1-2 rack=leaf1 --overwrite",
    "label node k8s-node-l2-1 rack=leaf2 --overwrite",
    "label node k8s-node-l2-2 rack=leaf2 --overwrite",
    "get pods --namespace kube-system --selector k8s-app=calico-node -o json",
    "apply -f -",
    "get pods --namespace fabricspec -o json",
    "apply -f -",
  ]);
  assert.deepEqual(
    commandsOn(log, "k8s-master-l1-1").filter((c) => !c.startsWith(KUBECTL) && !c.startsWith(CRICTL)),
    [
      `test -x ${CALICOCTL}`,
      "dpkg --print-architecture",
      `curl -fsSL --retry 3 -o ${CALICOCTL} https://github.com/projectcalico/calico/releases/download/v3.27.3/calicoctl-linux-amd64`,
      `chmod 0755 ${CALICOCTL}`,
      `curl -fsSL --retry 3 ${MANIFEST}`,
      `env DATASTORE_TYPE=kubernetes KUBECONFIG=/etc/kubernetes/admin.conf ${CALICOCTL} apply -f -`,
    ],
  );
  // The leaves get exactly the embedded lab's peering commands, before Calico is installed.
  assert.deepEqual(commandsOn(log, "leaf1"), [vtyshLine(LEAF1_PEERING)]);
  assert.equal(commandsOn(log, "leaf2").length, 1);
  assert.deepEqual(commandsOn(log, "spine1"), []);
  assert.ok(log.indexOf(`leaf2$ ${commandsOn(log, "leaf2")[0]}`) < log.indexOf(`k8s-master-l1-1$ curl -fsSL --retry 3 ${MANIFEST}`));
  // What was applied: the mode recorded as changing first, Calico's manifest with calico-node's
  // settings already in it (no `kubectl set env` afterwards: desk review items 7 and 9), the blog's
  // peering.yaml, pinned test pods, the mode last.
  assert.equal(cluster.inputs[0], JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "fabricspec-pod-network", namespace: "kube-system" }, data: { mode: "changing" } }));
  assert.equal(cluster.inputs[1], withCalicoNodeEnv(CALICO_MANIFEST_EXCERPT, MANIFEST, calicoNodeEnv(loadTopology())));
  assert.match(cluster.inputs[1] ?? "", /- name: IP_AUTODETECTION_METHOD\n +value: interface=eth1\n/);
  assert.equal(cluster.inputs[2], readFileSync(new URL("../../calico/blog/peering.yaml", import.meta.url), "utf8"));
  const pods = JSON.parse(cluster.inputs[3] ?? "{}") as { items: Array<{ kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec?: { nodeName: string; containers: Array<{ image: string }> } }> };
  assert.deepEqual(pods.items.map((i) => `${i.kind} ${i.metadata.name} ${i.spec?.nodeName ?? ""} ${i.metadata.annotations?.["cni.projectcalico.org/ipAddrs"] ?? ""}`), [
    "Namespace fabricspec  ",
    'Pod pod-k8s-master-l1-1 k8s-master-l1-1 ["192.168.0.1"]',
    'Pod pod-k8s-node-l1-1 k8s-node-l1-1 ["192.168.0.65"]',
    'Pod pod-k8s-node-l1-2 k8s-node-l1-2 ["192.168.0.129"]',
    'Pod pod-k8s-node-l2-1 k8s-node-l2-1 ["192.168.0.193"]',
    'Pod pod-k8s-node-l2-2 k8s-node-l2-2 ["192.168.1.1"]',
  ]);
  assert.equal(pods.items[1]?.spec?.containers[0]?.image, "registry.k8s.io/pause:3.9");
  assert.equal(cluster.marker, "peering");

  // The PodNetwork: the plan's pods, each reached in its network namespace on its node.
  assert.equal(network.mode, "peering");
  assert.deepEqual(network.pods.map((p) => `${p.name} ${p.node} ${p.address}`), HOSTS.map((h) => `pod-${h} ${h} ${PLAN_ADDRESSES[h]}`));
  assert.deepEqual(commandsOn(log, "k8s-node-l2-1"), [
    `${CRICTL} pods --namespace fabricspec --name '^pod-k8s-node-l2-1$' --state ready --quiet`,
    `${CRICTL} inspectp --output json sandbox-k8s-node-l2-1`,
  ]);
  const runner = network.podRunner("pod-k8s-node-l2-1");
  assert.equal(runner.node, "pod-k8s-node-l2-1");
  await runner.run(["ping", "-n", "-c", "1", "192.168.0.1"]);
  assert.equal(log.at(-1), "k8s-node-l2-1$ nsenter --net=/var/run/netns/cni-k8s-node-l2-1 -- ping -n -c 1 192.168.0.1");
  assert.throws(() => network.podRunner("pod-nowhere"), /no test pod "pod-nowhere"/);
  assert.ok(progress.some((m) => /calico-node Ready on every node/.test(m)), progress.join("\n"));

  // Already in peering: nothing runs; "none" is a change, then free.
  const before = log.length;
  assert.equal(await lab.podNetwork("peering"), network);
  assert.equal(log.length, before);
});

test("VagrantDriver.podNetwork: peering to none removes all of it, leaves first; none again costs nothing", async () => {
  const log: string[] = [];
  const cluster = newCluster();
  const lab = calicoLab(cluster, log);
  await lab.podNetwork("peering");
  log.length = 0;
  const none = await lab.podNetwork("none");
  assert.deepEqual([none.mode, none.pods.length], ["none", 0]);

  assert.deepEqual(kubectlOn(log), [
    "apply -f -",
    "delete namespace fabricspec --ignore-not-found --timeout 120s",
    `delete -f ${MANIFEST} --ignore-not-found --timeout 300s`,
    "label node --all rack-",
    "annotate node --all projectcalico.org/ASNumber- projectcalico.org/IPv4Address- projectcalico.org/IPv4IPIPTunnelAddr- projectcalico.org/IPv4VXLANTunnelAddr-",
    "delete pods --namespace kube-system --selector k8s-app=kube-dns --ignore-not-found --wait=false",
    "get nodes -o json",
    "delete configmap fabricspec-pod-network --namespace kube-system --ignore-not-found",
  ]);
  assert.deepEqual(commandsOn(log, "leaf1"), [
    vtyshLine(["configure terminal", "router bgp 65101", "no neighbor 10.0.101.10", "no neighbor 10.0.101.101", "no neighbor 10.0.101.102"]),
    "ip -j route show",
  ]);
  assert.deepEqual(commandsOn(log, "spine2"), ["ip -j route show"]);
  for (const host of HOSTS) {
    assert.deepEqual(commandsOn(log, host).filter((c) => !c.startsWith(KUBECTL)), ["rm -f /etc/cni/net.d/10-calico.conflist /etc/cni/net.d/calico-kubeconfig", "ip route flush proto bird"], host);
  }
  // The leaves are out of peering before Calico goes, the test pods before Calico's CNI plugin.
  const at = (line: string) => log.indexOf(line);
  assert.ok(at(`leaf1$ ${commandsOn(log, "leaf1")[0]}`) < at(`k8s-master-l1-1$ ${KUBECTL} delete -f ${MANIFEST} --ignore-not-found --timeout 300s`));
  assert.ok(at(`k8s-master-l1-1$ ${KUBECTL} delete namespace fabricspec --ignore-not-found --timeout 120s`) < at(`k8s-master-l1-1$ ${KUBECTL} delete -f ${MANIFEST} --ignore-not-found --timeout 300s`));
  assert.deepEqual([cluster.calico, cluster.marker, cluster.testPods], [false, undefined, false]);

  log.length = 0;
  await lab.podNetwork("none");
  assert.deepEqual(log, []);
});

test("VagrantDriver.podNetwork: a fresh run asks the cluster once; a lab left half-changed is taken out first", async () => {
  const log: string[] = [];
  const clean = calicoLab(newCluster(), log);
  await clean.podNetwork("none");
  await clean.podNetwork("none");
  assert.deepEqual(log, [`k8s-master-l1-1$ ${KUBECTL} get daemonset/calico-node configmap/fabricspec-pod-network --namespace kube-system --ignore-not-found -o json`]);

  log.length = 0;
  const interrupted: FakeCluster = { ...newCluster(), calico: true, marker: "changing" };
  await calicoLab(interrupted, log).podNetwork("overlay");
  assert.ok(log.indexOf(`k8s-master-l1-1$ ${KUBECTL} delete -f ${MANIFEST} --ignore-not-found --timeout 300s`) < log.indexOf(`k8s-master-l1-1$ curl -fsSL --retry 3 ${MANIFEST}`), log.join("\n"));
  const k = kubectlOn(log);
  // Overlay: no leaf peering, no rack labels, the overlay resources.
  assert.ok(!k.some((c) => c.startsWith("label node k8s-")), k.join("\n"));
  assert.ok(commandsOn(log, "leaf1").every((c) => !/remote-as/.test(c)));
  assert.ok(interrupted.inputs.includes(readFileSync(new URL("../../calico/blog/overlay.yaml", import.meta.url), "utf8")));
  assert.equal(interrupted.marker, "overlay");
});

test("VagrantDriver.podNetwork: a fresh run finds the lab in peering; after the leaves' FRR restarted it is not, and is rebuilt", async () => {
  const log: string[] = [];
  const cluster: FakeCluster = { ...newCluster(), calico: true, marker: "peering", testPods: true, leavesPeering: true };
  const lab = calicoLab(cluster, log);
  const network = await lab.podNetwork("peering");
  assert.equal(network.pods.length, 5);
  assert.deepEqual(kubectlOn(log), ["get daemonset/calico-node configmap/fabricspec-pod-network --namespace kube-system --ignore-not-found -o json"]);
  assert.deepEqual(commandsOn(log, "leaf1"), ["vtysh -c 'show bgp ipv4 unicast summary json'"]);

  log.length = 0;
  cluster.leavesPeering = false;
  await lab.startDaemon("leaf1", "bgpd");
  await lab.podNetwork("peering");
  assert.ok(kubectlOn(log).includes(`delete -f ${MANIFEST} --ignore-not-found --timeout 300s`) && log.includes(`k8s-master-l1-1$ curl -fsSL --retry 3 ${MANIFEST}`), log.join("\n"));
  assert.equal(cluster.calico, true, "Calico's manifest applied again");
});

test("VagrantDriver.podNetwork: calico-node never Ready is a LabError naming the nodes and the budget, not a hang", async () => {
  const log: string[] = [];
  const cluster: FakeCluster = { ...newCluster(), neverReady: ["k8s-node-l2-1", "k8s-node-l2-2"] };
  const lab = calicoLab(cluster, log);
  const started = performance.now();
  await assert.rejects(lab.podNetwork("peering"), (error: unknown) => {
    assert.ok(error instanceof LabError, String(error));
    assert.match(error.message, /^calico-node is not Ready on k8s-node-l2-1 \(calico-node-3 Running, not ready\), k8s-node-l2-2 \(calico-node-4 Running, not ready\)/);
    assert.match(error.message, /budget calico_node_ready 40 ms/);
    return true;
  });
  assert.ok(performance.now() - started < 5_000);
  // No test pods, the mode left recorded as changing: the next call takes it all out first.
  assert.equal(cluster.testPods, false);
  assert.equal(cluster.marker, "changing");
  log.length = 0;
  cluster.neverReady = [];
  await lab.podNetwork("none");
  assert.ok(kubectlOn(log).includes(`delete -f ${MANIFEST} --ignore-not-found --timeout 300s`), log.join("\n"));
});

test("VagrantDriver.runner: on a Kubernetes node, birdc asks calico-node's BIRD in its container; on a switch, commands pass as they are", async () => {
  const log: string[] = [];
  const cluster = newCluster();
  const lab = calicoLab(cluster, log);
  const absent = await lab.runner("k8s-node-l1-1").run(["birdc", "show", "protocols", "all"]);
  assert.equal(absent.exitCode, 1);
  assert.match(absent.stderr, /no calico-node container is running on k8s-node-l1-1/);
  cluster.calico = true;
  await lab.runner("k8s-node-l1-1").run(["birdc", "show", "protocols", "all"]);
  await lab.runner("leaf1").run(["vtysh", "-c", "show bgp summary"]);
  assert.deepEqual(log, [
    `k8s-node-l1-1$ ${CRICTL} ps --name '^calico-node$' --state running --quiet`,
    `k8s-node-l1-1$ ${CRICTL} ps --name '^calico-node$' --state running --quiet`,
    `k8s-node-l1-1$ ${CRICTL} exec -- c0ffee birdcl -s /var/run/calico/bird.ctl show protocols all`,
    "leaf1$ vtysh -c 'show bgp summary'",
  ]);
});

test("VagrantDriver.plan, for both switch images, without vagrant: every switch's link and loopback addresses, its daemons file and frr.conf", () => {
  for (const [image, frr] of [["cumulus", "4.0"], ["frr", "8.4"]] as const) {
    const lab = new VagrantDriver(loadTopology(), { ssh: fakeSsh([], []), provider: "libvirt", vagrant: "/nonexistent/vagrant", boxes: ["some/box", "ubuntu/jammy64"], switchImage: image, switchFrr: frrRelease(frr) });
    const text = formatLabPlan(lab.plan());
    assert.ok(text.includes(`\nleaf1 (FRR packaged, release ${frr}):\n`), text);
    // Cumulus Linux 3.7's FRR 4.0 has no `zebra nexthop kernel enable` (zebra/zebra_vty.c from frr-7.4).
    assert.equal(text.split("\n").filter((l) => l === "       | no zebra nexthop kernel enable").length, image === "frr" ? lab.topology.switches.length : 0, image);
    assert.ok(text.includes(`(image ${image})`), text.slice(0, 400));
    for (const sw of lab.topology.switches) {
      assert.ok(text.includes(`run: ip addr replace ${sw.loopback}/32 dev lo`), `${image}: ${sw.name}'s loopback`);
      for (const i of sw.interfaces) assert.ok(text.includes(`run: ip addr replace ${i.cidr} dev ${i.name}`), `${image}: ${sw.name} ${i.name}`);
    }
    assert.equal(text.split("\n").filter((l) => l === "       | bgpd=yes").length, lab.topology.switches.length);
    assert.ok(text.includes("run: ip addr replace 10.0.102.1/24 dev bridge"));
  }
});
