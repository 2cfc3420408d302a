/**
 * A Kubernetes node's container runtime, asked with crictl (containerd, as kubeadm's nodes on the
 * Vagrant lab run it): a pod's sandbox, its network namespace, a running container. The JSON shape
 * is containerd's `crictl inspectp -o json` (`info.runtimeSpec.linux.namespaces`, `info.pid`);
 * lenient about everything else it prints.
 */
import { z } from "zod";
import type { CommandResult, CommandRunner } from "../transport/runner.js";
import { parseJsonOutput, requireSuccess, runProbe, type Probed } from "./probe.js";

export const CRICTL = ["crictl", "--runtime-endpoint", "unix:///run/containerd/containerd.sock"] as const;

const CRICTL_TIMEOUT_MS = 120_000;

/** `crictl ps --name ^NAME$ --state running --quiet`: the ids of the running containers of that name. */
export function runningContainerCommand(name: string): string[] {
  return [...CRICTL, "ps", "--name", `^${name}$`, "--state", "running", "--quiet"];
}

/** What `--quiet` prints: one id a line. */
export function parseIds(stdout: string): string[] {
  return stdout
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

/** Parses `crictl pods ... --quiet`: the first sandbox listed, if any. */
export function parseFirstSandbox(result: CommandResult): string | undefined {
  requireSuccess(result);
  return parseIds(result.stdout)[0];
}

/** The ready sandbox of a pod, by namespace and name: `crictl pods --quiet`; undefined when there is none. */
export function readyPodSandbox(runner: CommandRunner, namespace: string, pod: string): Promise<Probed<string | undefined>> {
  const command = [...CRICTL, "pods", "--namespace", namespace, "--name", `^${pod}$`, "--state", "ready", "--quiet"];
  return runProbe(runner, command, parseFirstSandbox, { timeoutMs: CRICTL_TIMEOUT_MS });
}

const sandboxSchema = z.looseObject({
  info: z
    .looseObject({
      pid: z.number().optional(),
      runtimeSpec: z
        .looseObject({ linux: z.looseObject({ namespaces: z.array(z.looseObject({ type: z.string(), path: z.string().optional() })).optional() }).optional() })
        .optional(),
    })
    .optional(),
});

/** Parses `crictl inspectp -o json`: the sandbox's network namespace, its path, else its pid's; undefined when it names none. */
export function parseSandboxNetns(result: CommandResult): string | undefined {
  requireSuccess(result);
  const info = parseJsonOutput(result.stdout, sandboxSchema).info;
  const path = info?.runtimeSpec?.linux?.namespaces?.find((n) => n.type === "network")?.path;
  if (path) return path;
  return info?.pid ? `/proc/${info.pid}/ns/net` : undefined;
}

/** The network namespace of a pod sandbox: `crictl inspectp --output json ID`. */
export function sandboxNetns(runner: CommandRunner, sandbox: string): Promise<Probed<string | undefined>> {
  return runProbe(runner, [...CRICTL, "inspectp", "--output", "json", sandbox], parseSandboxNetns, { timeoutMs: CRICTL_TIMEOUT_MS });
}
