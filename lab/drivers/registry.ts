/**
 * The drivers by name, built from the run configuration that picks one (FABRICSPEC_* variables,
 * checked in ./choice.ts): FABRICSPEC_DRIVER (netns, inventory, vagrant), FABRICSPEC_TRANSPORT
 * (netns only: ssh runs every command through an sshd in each node's namespace), FABRICSPEC_PROVISION
 * (netns only: ssh brings the switches up bare and provisions them over SSH, lab/provision/),
 * FABRICSPEC_INVENTORY (inventory: the file).
 */
import { BLOG_TOPOLOGY, loadTopology } from "../topology/load.js";
import type { Topology } from "../topology/model.js";
import { driverChoice, type DriverChoice } from "./choice.js";
import type { LabDriver } from "./driver.js";
import { loadInventory } from "./inventory/inventory.js";
import { InventoryDriver } from "./inventory/inventory-driver.js";
import { NetnsDriver } from "./netns/netns-driver.js";
import { NetnsSshDriver } from "./netns/sshd.js";
import { SshPool } from "../transport/ssh/pool.js";
import { vagrantBoxes, vagrantSwitchFrr, vagrantSwitchImage } from "./vagrant/settings.js";
import { VagrantDriver } from "./vagrant/vagrant-driver.js";

export { DEFAULT_DRIVER } from "./choice.js";

/** The driver `choice` names, for `topology`. */
export function driverFor(choice: DriverChoice, t: Topology, env: NodeJS.ProcessEnv): LabDriver {
  switch (choice.driver) {
    case "netns":
      return choice.transport === "ssh" ? new NetnsSshDriver(t, undefined, undefined, choice.provision) : new NetnsDriver(t);
    case "inventory":
      return new InventoryDriver(t, loadInventory(choice.inventory, t));
    case "vagrant": {
      const ssh = new SshPool();
      return new VagrantDriver(t, { ssh: (endpoint) => ssh.runner(endpoint), provider: choice.provider, boxes: vagrantBoxes(t, env), switchImage: vagrantSwitchImage(t, env), switchFrr: vagrantSwitchFrr(t, env) });
    }
  }
}

/** The driver called `name` for `topology`, its other options from `env`. */
export function createDriver(name: string, topology: Topology, env: NodeJS.ProcessEnv = process.env): LabDriver {
  return driverFor(driverChoice({ ...env, FABRICSPEC_DRIVER: name }), topology, env);
}

/** The lab this process works on, from the environment: FABRICSPEC_TOPOLOGY and FABRICSPEC_DRIVER. */
export function labFromEnvironment(env: NodeJS.ProcessEnv = process.env): LabDriver {
  const topology = loadTopology(env.FABRICSPEC_TOPOLOGY || BLOG_TOPOLOGY);
  return driverFor(driverChoice(env), topology, env);
}
