/**
 * fabricspec lab up | down | plan | status [--json] [--svg FILE] | exec NODE -- CMD...
 * fabricspec export containerlab FILE.clab.yml [options]
 * fabricspec topology expand FILE
 * The lab comes from FABRICSPEC_TOPOLOGY and FABRICSPEC_DRIVER, as for `npm test`.
 * The drivers (ssh2, execa, FRR rendering, probes) are imported only by the commands that use them:
 * `--help`, and `lab status` with no lab, answer before they would have loaded.
 */
import type { LabDriver, LabStatus } from "../drivers/driver.js";
import { EXIT, progress, reportError, withLab } from "./run-lab.js";
import { USAGE } from "./usage.js";

async function labFromEnvironment(): Promise<LabDriver> {
  return (await import("../drivers/registry.js")).labFromEnvironment();
}

async function main(argv: readonly string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  if (group === "--help" || group === "-h" || group === "help") {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (group === "export") return (await import("./export.js")).exportCommand(argv.slice(1));
  if (group === "topology") return (await import("./topology.js")).topologyCommand(argv.slice(1));
  if (group !== "lab" || command === undefined) return usage(group === undefined ? "" : `unknown command "${argv.join(" ")}"`);
  if (command === "status") {
    const svgAt = rest.indexOf("--svg");
    const svg = svgAt < 0 ? undefined : rest[svgAt + 1];
    if (svgAt >= 0 && (svg === undefined || svg.startsWith("--"))) return usage("lab status --svg needs a FILE");
    return status(rest.includes("--json"), svg);
  }
  const driver = await labFromEnvironment();
  switch (command) {
    case "up":
      return withLab(driver, "fabricspec lab up", async (session) => {
        const up = await session.up({ keep: true });
        const total = up.phases.reduce((sum, p) => sum + p.ms, 0);
        progress(up.reused ? "the lab was already up" : `lab ${driver.topology.name} up and converged in ${total} ms`);
        return EXIT.ok;
      });
    case "down":
      return withLab(driver, "fabricspec lab down", async (session) => {
        const phases = await session.down();
        if (phases.length === 0) progress("no lab was up");
        return EXIT.ok;
      });
    case "plan": {
      // Computed from the topology and the driver's settings only: no lock, no machine, no hypervisor.
      const { formatLabPlan } = await import("../provision/plan.js");
      process.stdout.write(formatLabPlan(driver.plan()));
      return EXIT.ok;
    }
    case "exec":
      return exec(driver, rest);
    default:
      return usage(`unknown lab command "${command}"`);
  }
}

async function status(json: boolean, svgFile: string | undefined): Promise<number> {
  const { driverChoice, statusWithoutDriver } = await import("../drivers/choice.js");
  // With no lab recorded the answer needs neither the topology nor a driver: it is given before
  // yaml, zod and the drivers would load (most of this command's time). Otherwise the topology is
  // loaded and checked as for every other command.
  const choice = driverChoice();
  const status: LabStatus = statusWithoutDriver(choice) ?? (await (await labFromEnvironment()).status());
  if (json) {
    process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
  } else {
    process.stdout.write(`${status.driver} lab: ${status.state}${status.topology ? ` (topology ${status.topology})` : ""}\n`);
    const width = Math.max(0, ...status.nodes.map((n) => n.name.length));
    for (const n of status.nodes) process.stdout.write(`  ${n.name.padEnd(width)}  ${n.up ? "up  " : "DOWN"}  ${n.detail}\n`);
  }
  if (svgFile !== undefined) await writePicture(svgFile, status.state === "up");
  return status.state === "up" ? EXIT.ok : EXIT.failed;
}

/**
 * `lab status --svg FILE`: the fabric picture (lab/report/fabric-svg.ts), with the sessions and
 * ECMP widths observed on the lab when it is up, else the topology alone (said on stderr).
 */
async function writePicture(file: string, up: boolean): Promise<void> {
  const [{ writeFileSync }, { UsageError }, { fabricSvg }, { observeFabric }] = await Promise.all([
    import("node:fs"),
    import("../errors.js"),
    import("../report/fabric-svg.js"),
    import("../report/observe.js"),
  ]);
  const driver = await labFromEnvironment();
  const svg = up ? fabricSvg(driver.topology, await observeFabric(driver.topology, (n) => driver.runner(n))) : fabricSvg(driver.topology);
  try {
    writeFileSync(file, svg);
  } catch (error) {
    throw new UsageError(`lab status --svg: cannot write ${file}: ${(error as Error).message}`);
  }
  progress(up ? `fabric picture with observed sessions written to ${file}` : `no lab up: fabric picture of the topology alone written to ${file}`);
}

async function exec(driver: LabDriver, args: readonly string[]): Promise<number> {
  const [node, separator, ...command] = args;
  if (node === undefined || separator !== "--" || command.length === 0) return usage("lab exec needs NODE -- CMD...");
  const result = await driver.runner(node).run(command);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.exitCode;
}

function usage(problem: string): number {
  process.stderr.write(`${problem ? `fabricspec: ${problem}\n` : ""}${USAGE}\n`);
  return EXIT.usage;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(reportError(error)),
);
