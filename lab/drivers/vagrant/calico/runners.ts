/**
 * Runners into what Calico runs on a Vagrant machine: a test pod's network namespace, and
 * calico-node's BIRD, each from the node's own SSH runner.
 */
import { LabError } from "../../../errors.js";
import { calicoBirdcl } from "../../../probes/bird.js";
import { CRICTL, parseIds, readyPodSandbox, runningContainerCommand, sandboxNetns } from "../../../probes/crictl.js";
import type { CommandResult, CommandRunner, RunOptions } from "../../../transport/runner.js";
import { TEST_NAMESPACE } from "./manifest.js";

/**
 * Commands in the pod's network namespace, on its node: `nsenter --net=<netns> -- argv`, with the
 * node's own iputils ping and traceroute (the probes parse those tools' output, which a busybox
 * image's do not print the same way). The pod itself runs only the pause image.
 */
export function podRunner(pod: string, node: CommandRunner, netns: string): CommandRunner {
  return {
    node: pod,
    run: (argv: readonly string[], options?: RunOptions): Promise<CommandResult> => node.run(["nsenter", `--net=${netns}`, "--", ...argv], options),
  };
}

/** A test pod's network namespace on its node, from the container runtime. */
export async function podNetns(node: CommandRunner, pod: string): Promise<string> {
  const sandbox = (await readyPodSandbox(node, TEST_NAMESPACE, pod)).value;
  if (!sandbox) throw new LabError(`${node.node}: the container runtime has no ready sandbox for the test pod ${pod}`);
  const netns = (await sandboxNetns(node, sandbox)).value;
  if (!netns) throw new LabError(`${node.node}: \`crictl inspectp ${sandbox}\` names no network namespace for ${pod}`);
  return netns;
}

/**
 * A Kubernetes node's runner whose `birdc` reaches calico-node's BIRD, as every lab's does its
 * node's own: calico-node's birdcl inside the running calico-node container (`crictl exec`).
 * With no calico-node running, the result is crictl's, exit 1, saying so.
 */
export function withCalicoBird(node: CommandRunner): CommandRunner {
  return {
    node: node.node,
    run: async (argv: readonly string[], options?: RunOptions): Promise<CommandResult> => {
      if (argv[0] !== "birdc") return node.run(argv, options);
      const listed = await node.run(runningContainerCommand("calico-node"), options);
      const id = parseIds(listed.stdout)[0];
      if (listed.exitCode !== 0 || !id) {
        return { ...listed, exitCode: listed.exitCode || 1, stderr: `${listed.stderr}no calico-node container is running on ${node.node}, so no BIRD to ask\n` };
      }
      // `--` first: the command's own flags (birdcl's -s) are never taken for crictl's (its -s is --sync).
      return node.run([...CRICTL, "exec", "--", id, ...calicoBirdcl(argv)], options);
    },
  };
}
