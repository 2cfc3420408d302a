import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadTopology } from "../../topology/load.js";
import { formatCommand, type CommandResult, type CommandRunner } from "../../transport/runner.js";
import type { SshEndpoint } from "../../transport/ssh-endpoint.js";
import { VagrantDriver } from "./vagrant-driver.js";

const FAKE_VAGRANT = fileURLToPath(new URL("./fake-vagrant.mjs", import.meta.url));
const JOIN = "kubeadm join 10.0.101.10:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:0123";

/** A fake SSH transport: records every command per node and answers like freshly provisioned machines. */
function fakeSsh(log: string[], endpoints: SshEndpoint[]) {
  return (endpoint: SshEndpoint): CommandRunner => {
    endpoints.push(endpoint);
    return {
      node: endpoint.node,
      async run(argv): Promise<CommandResult> {
        const command = formatCommand(argv);
        log.push(`${endpoint.node}$ ${command}`);
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
  assert.deepEqual(phases.map((p) => p.name), ["preflight", "machines", "ssh endpoints", "switch configuration", "convergence", "kubernetes"]);
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
  assert.deepEqual(on("leaf1"), ["tee /etc/frr/frr.conf", "systemctl restart frr"]);
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
