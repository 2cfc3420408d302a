/**
 * What the embedded lab's bring-up would do (`fabricspec lab plan`), from the same plan the
 * bring-up runs (./plan.ts) and, when provisioned, the provisioner's own plan: nothing is created.
 */
import { daemonArgv, FRR_DAEMONS, frrFiles } from "../../kinds/frr.js";
import { renderDaemonConfigs } from "../../render/frr.js";
import { FRR_CURRENT } from "../../render/frr-release.js";
import { planFabric } from "../../provision/provision.js";
import type { LabPlan, MachinePlan } from "../../provision/plan.js";
import type { Topology } from "../../topology/model.js";
import { ipv6Sysctls, namespaceOf, NO_ICMP_RATE_LIMIT, planLab } from "./plan.js";
import { EMBEDDED_TARGET } from "./provision.js";
import { nodeDir } from "./state.js";

export function netnsLabPlan(t: Topology, options: { readonly ssh: boolean; readonly provisioned: boolean }): LabPlan {
  const plan = planLab(t);
  const before = [
    `namespaces: ${plan.namespaces.map((ns) => `ip netns add ${ns}`).join("; ")}`,
    ...plan.links.map((l) => `ip -batch: ${l}`),
  ];
  const machines: MachinePlan[] = [];
  const addressing = (node: string): MachinePlan["steps"][number] => ({
    name: "addresses",
    checks: [],
    commands: [{ argv: ["ip", "-n", namespaceOf(node), "-batch", "-"], input: `${(plan.addressing.get(namespaceOf(node)) ?? []).join("\n")}\n` }],
    files: [{ path: `(ip -batch input for ${namespaceOf(node)})`, content: (plan.addressing.get(namespaceOf(node)) ?? []).join("\n") }],
    fix: "",
  });
  for (const host of t.hosts) machines.push({ machine: host.name, frr: "none (a host)", steps: [addressing(host.name)] });
  if (options.provisioned) {
    before.push(
      ...t.switches.map((sw) => `${sw.name}: bare: lo up, its links named and down, its directory ${nodeDir(sw.name)} empty and FRR's (FRR installed, neither configured nor running)`),
      "sshd in every namespace (127.0.0.1:22, the lab's key and known_hosts); the switches below are provisioned over it",
    );
    machines.push(...planFabric(t, EMBEDDED_TARGET));
  } else {
    for (const sw of t.switches) {
      const files = frrFiles(nodeDir(sw.name));
      const configs = renderDaemonConfigs(t, sw);
      machines.push({
        machine: sw.name,
        frr: "embedded",
        release: FRR_CURRENT.name,
        steps: [
          { name: "sysctls", checks: [], commands: [{ argv: ["sysctl", "-qw", ...NO_ICMP_RATE_LIMIT, ...ipv6Sysctls(sw)] }], fix: "" },
          addressing(sw.name),
          {
            name: "FRR",
            checks: [],
            commands: FRR_DAEMONS.map((d) => ({ argv: daemonArgv(d, files) })),
            files: FRR_DAEMONS.map((d) => ({ path: files.config(d), content: configs[d] })),
            fix: "",
          },
        ],
      });
    }
  }
  const after = ["wait until every session is Established and every prefix installed (budget: convergence)"];
  if (options.ssh && !options.provisioned) after.push("sshd in every namespace (127.0.0.1:22, the lab's key and known_hosts); every command from here on over SSH");
  return { driver: "netns", topology: t.name, before, machines, after };
}
