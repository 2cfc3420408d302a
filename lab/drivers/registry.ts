/** The drivers by name, and the run configuration that picks one (FABRICSPEC_* variables). */
import { UsageError } from "../errors.js";
import { BLOG_TOPOLOGY, loadTopology } from "../topology/load.js";
import type { Topology } from "../topology/model.js";
import type { LabDriver } from "./driver.js";
import { NetnsDriver } from "./netns/netns-driver.js";

const DRIVERS: Record<string, (t: Topology) => LabDriver> = {
  netns: (t) => new NetnsDriver(t),
};

export const DEFAULT_DRIVER = "netns";

export function createDriver(name: string, topology: Topology): LabDriver {
  const make = DRIVERS[name];
  if (!make) {
    throw new UsageError(`driver "${name}" is not supported. Supported drivers are: ${Object.keys(DRIVERS).join(", ")}`, {
      hint: "set FABRICSPEC_DRIVER to one of them, or leave it unset for netns",
    });
  }
  return make(topology);
}

/** The lab this process works on, from the environment: FABRICSPEC_TOPOLOGY and FABRICSPEC_DRIVER. */
export function labFromEnvironment(env: NodeJS.ProcessEnv = process.env): LabDriver {
  const topology = loadTopology(env.FABRICSPEC_TOPOLOGY || BLOG_TOPOLOGY);
  return createDriver(env.FABRICSPEC_DRIVER || DEFAULT_DRIVER, topology);
}
