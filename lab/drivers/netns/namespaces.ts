/**
 * The embedded lab's namespaces and links, made and removed with `ip -batch`: in the root namespace
 * only what creates things inside the lab's own namespaces, everything else inside one of them.
 */
import { CommandError } from "../../errors.js";
import { runLocal } from "../../transport/local.js";
import type { PreflightCheck } from "../driver.js";
import { namespaceOf } from "./plan.js";
import { namespaceInode } from "./processes.js";

/** iproute2's ip, the one tool the lab builds with. */
export const IP = "/usr/sbin/ip";

/** Runs `ip -batch` lines in the root namespace, or inside `namespace`; `what` completes "could not ...". */
export async function ipBatch(lines: readonly string[], what: string, namespace?: string): Promise<void> {
  if (lines.length === 0) return;
  const argv = namespace ? ["ip", "-n", namespace, "-batch", "-"] : ["ip", "-batch", "-"];
  const result = await runLocal(argv, { input: `${lines.join("\n")}\n`, timeoutMs: 30_000 });
  if (result.exitCode !== 0) {
    throw new CommandError(`could not ${what}: ${result.stderr.trim().split("\n").join("; ")}`);
  }
}

/** Creates namespaces (recorded beforehand, so that teardown removes them even after a crash). */
export function addNamespaces(names: readonly string[], what: string): Promise<void> {
  return ipBatch(names.map((ns) => `netns add ${ns}`), what);
}

/** Deletes those of the namespaces that exist; returns them. */
export async function deleteNamespaces(names: readonly string[], what: (present: readonly string[]) => string): Promise<string[]> {
  const present = names.filter((ns) => namespaceInode(ns) !== undefined);
  if (present.length > 0) await ipBatch(present.map((ns) => `netns del ${ns}`), what(present));
  return present;
}

/** The throwaway namespace in which preflight tries veth pairs and bridges. */
export const preflightNamespace = (pid: number): string => namespaceOf(`preflight-${pid}`);

/** veth pairs and bridges, tried for real in a throwaway namespace. */
export async function kernelCheck(): Promise<PreflightCheck> {
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
    detail: result.exitCode === 0 ? "namespaces, veth pairs and bridges work" : result.stderr.trim().split("\n")[0] ?? "",
    fix: "the kernel needs CONFIG_NET_NS, CONFIG_VETH and CONFIG_BRIDGE (modprobe veth bridge)",
  };
}
