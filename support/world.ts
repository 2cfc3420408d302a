/** The World: one scenario's view of the lab, with every command attached as evidence. */
import { setWorldConstructor, World, type IWorldOptions } from "@cucumber/cucumber";
import { AssertionError } from "chai";
import type { LabDriver, PodNetwork } from "../lab/drivers/driver.js";
import {
  bgpSummary,
  bgpTable,
  kernelRoutes,
  ping,
  ProbeError,
  traceroute,
  type BgpSummary,
  type BgpTable,
  type KernelRoute,
  type PingOptions,
  type PingResult,
  type TracerouteResult,
} from "../lab/probes/index.js";
import type { Topology } from "../lab/topology/model.js";
import { formatCommand, type CommandResult, type CommandRunner } from "../lab/transport/runner.js";
import { currentLab } from "./lab.js";

/** A failure a disruptive scenario injected, with what the fabric should look like meanwhile. */
export interface Disruption {
  /** For messages and reports: "spine1 failed (its links went down)". */
  readonly description: string;
  /** The fabric routing around the failure: the topology without what failed. */
  readonly reduced: Topology;
  /** When the failure (or, after `repair`, the repair) was injected: performance.now(). */
  since: number;
  /** Undoes the failure; also run by the After hook when a scenario ends without it. */
  readonly repair: () => Promise<void>;
  repaired: boolean;
}

/** One ping a When step sent, for the Then step to judge. */
export interface PingOutcome {
  readonly from: string;
  readonly to: string;
  /** Who should answer, for messages. */
  readonly toName: string;
  readonly result: PingResult;
}

export class FabricWorld extends World {
  readonly lab: LabDriver = currentLab();
  readonly topology: Topology = this.lab.topology;
  /** The nodes the current step looked at: on failure, their fresh state is attached. */
  readonly involved = new Set<string>();
  pings: PingOutcome[] = [];
  disruption: Disruption | undefined;
  /** The pod network a Given step brought the lab into (steps/calico.steps.ts). */
  podNetwork: PodNetwork | undefined;

  constructor(options: IWorldOptions) {
    super(options);
  }

  /** A runner on `node` whose every command is attached to the current step. */
  runner(node: string): CommandRunner {
    const inner = this.lab.runner(node);
    this.involved.add(node);
    return {
      node,
      run: async (argv, options) => {
        const result = await inner.run(argv, options);
        this.attachEvidence(node, result);
        return result;
      },
    };
  }

  attachEvidence(node: string, result: CommandResult): void {
    const output = [result.stdout, result.stderr].filter((s) => s.trim() !== "").join("\n");
    const command = `${node}$ ${formatCommand(result.command)}`;
    this.attach(`${command}\n(exit ${result.exitCode}, ${result.durationMs} ms)\n${output}`, { mediaType: "text/plain", fileName: command });
  }

  bgpSummary(node: string): Promise<BgpSummary> {
    return this.probe(node, "bgpd", (r) => bgpSummary(r));
  }

  bgpTable(node: string): Promise<BgpTable> {
    return this.probe(node, "bgpd", (r) => bgpTable(r));
  }

  kernelRoutes(node: string): Promise<readonly KernelRoute[]> {
    return this.probe(node, "the kernel", (r) => kernelRoutes(r));
  }

  ping(node: string, target: string, options: PingOptions): Promise<PingResult> {
    return this.probe(node, "ping", (r) => ping(r, target, options));
  }

  /** Pings every pair at once and keeps the outcomes for a Then step. */
  async pingEach(pairs: ReadonlyArray<{ from: string; to: string; toName: string; options: PingOptions }>): Promise<void> {
    this.pings = await Promise.all(
      pairs.map(async ({ from, to, toName, options }) => ({ from, to, toName, result: await this.ping(from, to, options) })),
    );
  }

  traceroute(node: string, target: string): Promise<TracerouteResult> {
    return this.probe(node, "traceroute", (r) => traceroute(r, target));
  }

  /**
   * Runs a probe. A routing daemon that is not running is the network being wrong (a switch
   * whose bgpd died), so it fails the step; any other probe failure means the lab is broken.
   */
  private async probe<T>(node: string, what: string, run: (runner: CommandRunner) => Promise<{ value: T }>): Promise<T> {
    try {
      return (await run(this.runner(node))).value;
    } catch (error) {
      const stopped = error instanceof ProbeError ? /(\w+d) is not running/.exec(error.evidence.stderr)?.[1] : undefined;
      if (stopped) throw new AssertionError(`${node}: ${stopped} is not running (expected ${what} to answer)`);
      throw error;
    }
  }
}

setWorldConstructor(FabricWorld);
