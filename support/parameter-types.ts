/** Words in steps resolved against the topology before a step runs; unknown names list the valid ones. */
import { defineParameterType } from "@cucumber/cucumber";
import { LabError } from "../lab/errors.js";
import { isIpv4 } from "../lab/topology/ip.js";
import type { Host, Switch } from "../lab/topology/model.js";
import { currentLab } from "./lab.js";

/** Resolves a switch name; an unknown one fails with the names the topology has. */
export function resolveSwitch(name: string): Switch {
  const topology = currentLab().topology;
  const found = topology.switches.find((s) => s.name === name);
  if (!found) {
    const known = [...topology.switches, ...topology.hosts].map((n) => n.name).join(", ");
    const host = topology.hosts.some((h) => h.name === name) ? ` (${name} is a host, not a switch)` : "";
    throw new LabError(`Unknown switch "${name}"${host}. Nodes in topology "${topology.name}": ${known}`);
  }
  return found;
}

defineParameterType({
  name: "switch",
  regexp: /[a-z][a-z0-9-]*/,
  transformer: resolveSwitch,
});

/** Resolves a Kubernetes node (a host of the topology); an unknown one fails with the names the topology has. */
export function resolveHost(name: string): Host {
  const topology = currentLab().topology;
  const found = topology.hosts.find((h) => h.name === name);
  if (!found) {
    const sw = topology.switches.some((s) => s.name === name) ? ` (${name} is a switch, not a Kubernetes node)` : "";
    throw new LabError(`Unknown Kubernetes node "${name}"${sw}. Kubernetes nodes in topology "${topology.name}": ${topology.hosts.map((h) => h.name).join(", ")}`);
  }
  return found;
}

defineParameterType({
  name: "host",
  regexp: /[a-z][a-z0-9-]*/,
  transformer: resolveHost,
});

defineParameterType({
  name: "ip",
  regexp: /\d{1,3}(?:\.\d{1,3}){3}/,
  transformer(text: string): string {
    if (!isIpv4(text)) throw new LabError(`"${text}" is not an IPv4 address`);
    return text;
  },
});
