/**
 * The drivers by name, and the run configuration that picks one (FABRICSPEC_* variables):
 * FABRICSPEC_DRIVER (netns, inventory), FABRICSPEC_TRANSPORT (netns only: ssh runs every command
 * through an sshd in each node's namespace), FABRICSPEC_INVENTORY (inventory: the file).
 */
import { UsageError } from "../errors.js";
import { BLOG_TOPOLOGY, loadTopology } from "../topology/load.js";
import type { Topology } from "../topology/model.js";
import type { LabDriver } from "./driver.js";
import { loadInventory } from "./inventory/inventory.js";
import { InventoryDriver } from "./inventory/inventory-driver.js";
import { NetnsDriver } from "./netns/netns-driver.js";
import { NetnsSshDriver } from "./netns/sshd.js";
import { SshPool } from "../transport/ssh/pool.js";
import { vagrantBoxes } from "./vagrant/settings.js";
import { VagrantDriver } from "./vagrant/vagrant-driver.js";

const DRIVERS: Record<string, (t: Topology, env: NodeJS.ProcessEnv) => LabDriver> = {
  netns: (t, env) => {
    const transport = env.FABRICSPEC_TRANSPORT || "local";
    if (transport === "ssh") return new NetnsSshDriver(t);
    if (transport !== "local") {
      throw new UsageError(`transport "${transport}" is not supported. Supported transports are: local, ssh`, {
        hint: "set FABRICSPEC_TRANSPORT=ssh, or leave it unset",
      });
    }
    return new NetnsDriver(t);
  },
  inventory: (t, env) => {
    if (!env.FABRICSPEC_INVENTORY) {
      throw new UsageError("the inventory driver needs FABRICSPEC_INVENTORY, the inventory file", { hint: "e.g. FABRICSPEC_INVENTORY=lab/inventory.example.yaml" });
    }
    return new InventoryDriver(t, loadInventory(env.FABRICSPEC_INVENTORY, t));
  },
  vagrant: (t, env) => {
    const ssh = new SshPool();
    return new VagrantDriver(t, { ssh: (endpoint) => ssh.runner(endpoint), provider: env.VAGRANT_DEFAULT_PROVIDER || "virtualbox", boxes: vagrantBoxes(t, env) });
  },
};

export const DEFAULT_DRIVER = "netns";

export function createDriver(name: string, topology: Topology, env: NodeJS.ProcessEnv = process.env): LabDriver {
  const make = DRIVERS[name];
  if (!make) {
    throw new UsageError(`driver "${name}" is not supported. Supported drivers are: ${Object.keys(DRIVERS).join(", ")}`, {
      hint: "set FABRICSPEC_DRIVER to one of them, or leave it unset for netns",
    });
  }
  return make(topology, env);
}

/** The lab this process works on, from the environment: FABRICSPEC_TOPOLOGY and FABRICSPEC_DRIVER. */
export function labFromEnvironment(env: NodeJS.ProcessEnv = process.env): LabDriver {
  const topology = loadTopology(env.FABRICSPEC_TOPOLOGY || BLOG_TOPOLOGY);
  return createDriver(env.FABRICSPEC_DRIVER || DEFAULT_DRIVER, topology, env);
}
