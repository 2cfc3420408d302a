/** The host kind: a Linux machine of the fabric (a Kubernetes node of the blog's lab) that the probes run on. */
import type { NodeKind } from "./kind.js";

export const HOST: NodeKind = {
  name: "host",
  probeTools: ["ping", "fping", "traceroute"],
  ownCommand: (argv) => argv,
};
