import { Then, type DataTable } from "@cucumber/cucumber";
import { AssertionError } from "chai";
import { nodeSessionFindings } from "../lab/calico/judge.js";
import { LabError } from "../lab/errors.js";
import { parseBirdProtocols } from "../lab/probes/bird.js";
import { calicoNodePods, kubernetesNodes, type KubernetesNode, type KubernetesPod } from "../lab/probes/kubernetes.js";
import type { CommandRunner } from "../lab/transport/runner.js";
import { expectNoFindings } from "../support/findings.js";
import type { FabricWorld } from "../support/world.js";

/** kubectl against the lab's cluster, every command attached to the step. */
async function kubectl(world: FabricWorld): Promise<CommandRunner> {
  const access = world.lab.kubernetes ? await world.lab.kubernetes() : { ok: false as const, reason: `the ${world.lab.name} driver gives no Kubernetes API` };
  if (!access.ok) throw new LabError(`no Kubernetes API: ${access.reason}`);
  const inner = access.kubectl;
  return {
    node: inner.node,
    run: async (argv, options) => {
      const result = await inner.run(argv, options);
      world.attachEvidence(inner.node, result);
      return result;
    },
  };
}

async function nodes(world: FabricWorld): Promise<KubernetesNode[]> {
  return (await kubernetesNodes(await kubectl(world))).value;
}

/** Each topology host registered, found by name; the findings for those missing. */
function registered(world: FabricWorld, found: readonly KubernetesNode[]): { pairs: Array<{ host: string; address: string; node: KubernetesNode }>; missing: string[] } {
  const pairs: Array<{ host: string; address: string; node: KubernetesNode }> = [];
  const missing: string[] = [];
  for (const h of world.topology.hosts) {
    const node = found.find((n) => n.name === h.name);
    if (node) pairs.push({ host: h.name, address: h.address, node });
    else missing.push(`${h.name} is not registered with the cluster (registered: ${found.map((n) => n.name).join(", ") || "none"})`);
  }
  return { pairs, missing };
}

Then("every Kubernetes node of the topology has joined the cluster with its fabric address", async function (this: FabricWorld) {
  const { pairs, missing } = registered(this, await nodes(this));
  const wrong = pairs
    .filter((p) => p.node.internalIp !== p.address)
    .map((p) => `${p.host} registered with INTERNAL-IP ${p.node.internalIp ?? "(none)"} (expected its fabric address ${p.address}${p.node.internalIp === "10.0.2.15" ? ", not Vagrant's NAT address" : ""})`);
  expectNoFindings([...missing, ...wrong]);
});

Then("the cluster's nodes have these INTERNAL-IPs:", async function (this: FabricWorld, table: DataTable) {
  const found = await nodes(this);
  const findings = table.hashes().flatMap((row) => {
    const node = found.find((n) => n.name === row.node);
    if (!node) return [`${row.node} is not registered with the cluster`];
    return node.internalIp === row["INTERNAL-IP"] ? [] : [`${row.node} registered with INTERNAL-IP ${node.internalIp ?? "(none)"} (expected ${row["INTERNAL-IP"]})`];
  });
  const extra = found.filter((n) => !table.hashes().some((row) => row.node === n.name)).map((n) => `an unexpected node ${n.name} (${n.internalIp ?? "no address"}) is registered`);
  expectNoFindings([...findings, ...extra]);
});

Then("every Kubernetes node is NotReady, waiting for a network plugin", async function (this: FabricWorld) {
  const { pairs, missing } = registered(this, await nodes(this));
  const wrong = pairs.flatMap(({ host, node }) => {
    if (node.ready === "True") return [`${host} is Ready (expected NotReady: no pod network is deployed)`];
    return /network/i.test(node.readyMessage ?? "") ? [] : [`${host} is NotReady for another reason: ${node.readyReason ?? "?"}: ${node.readyMessage ?? "?"} (expected the missing network plugin)`];
  });
  expectNoFindings([...missing, ...wrong]);
});

Then("every Kubernetes node is Ready", async function (this: FabricWorld) {
  const { pairs, missing } = registered(this, await nodes(this));
  const wrong = pairs.filter((p) => p.node.ready !== "True").map((p) => `${p.host} is NotReady: ${p.node.readyReason ?? "?"}: ${p.node.readyMessage ?? "?"} (expected Ready)`);
  expectNoFindings([...missing, ...wrong]);
});

async function calicoPods(world: FabricWorld): Promise<KubernetesPod[]> {
  return (await calicoNodePods(await kubectl(world))).value;
}

Then("calico-node runs on every Kubernetes node, ready", async function (this: FabricWorld) {
  const pods = await calicoPods(this);
  const findings = this.topology.hosts.flatMap((h) => {
    const pod = pods.find((p) => p.node === h.name);
    if (!pod) return [`no calico-node pod runs on ${h.name} (calico-node pods: ${pods.map((p) => `${p.name} on ${p.node ?? "no node"}`).join(", ") || "none"})`];
    return pod.phase === "Running" && pod.ready ? [] : [`${pod.name} on ${h.name} is ${pod.phase}${pod.ready ? "" : ", not ready"} (expected Running and ready)`];
  });
  expectNoFindings(findings);
});

Then("Calico's BIRD on every Kubernetes node has one session, with its leaf, Established", async function (this: FabricWorld) {
  const runner = await kubectl(this);
  const pods = await calicoPods(this);
  const findings = await Promise.all(
    this.topology.hosts.map(async (h) => {
      const pod = pods.find((p) => p.node === h.name);
      if (!pod) return [`no calico-node pod runs on ${h.name}`];
      const argv = ["kubectl", "exec", "--namespace", "kube-system", pod.name, "--container", "calico-node", "--", "birdcl", "-s", "/var/run/calico/bird.ctl", "show", "protocols", "all"];
      const result = await runner.run(argv, { timeoutMs: 30_000 });
      // kubectl itself failing (API unreachable, pod gone) is the lab broken, not BIRD being wrong.
      if (result.exitCode !== 0 && /^(error:|Error from server)/m.test(result.stderr)) {
        throw new LabError(`${h.name}: \`kubectl exec\` into ${pod.name} failed: ${result.stderr.trim().split("\n")[0]}`);
      }
      try {
        return nodeSessionFindings(this.topology, h, parseBirdProtocols(result));
      } catch (error) {
        // A BIRD that does not answer is the node being wrong, as a bgpd that does not is a switch.
        throw new AssertionError(`${h.name}: Calico's BIRD does not answer in ${pod.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
  );
  expectNoFindings(findings.flat());
});
