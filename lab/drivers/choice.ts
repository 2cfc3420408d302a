/**
 * Which driver the environment asks for (FABRICSPEC_DRIVER, FABRICSPEC_TRANSPORT,
 * FABRICSPEC_PROVISION, FABRICSPEC_INVENTORY), checked without loading any driver: the registry builds the driver from
 * this, and `fabricspec lab status` answers "no lab" from it without paying for ssh2 and execa.
 */
import { UsageError } from "../errors.js";
import type { LabStatus } from "./driver.js";
import { readState } from "./netns/state.js";

export const DRIVER_NAMES = ["netns", "inventory", "vagrant"] as const;
export type DriverName = (typeof DRIVER_NAMES)[number];
export const DEFAULT_DRIVER: DriverName = "netns";

const TRANSPORTS = ["local", "ssh"] as const;

export type DriverChoice =
  | { readonly driver: "netns"; readonly transport: (typeof TRANSPORTS)[number]; readonly provision: boolean }
  | { readonly driver: "inventory"; readonly inventory: string }
  | { readonly driver: "vagrant"; readonly provider: string };

/** The driver `env` names, every option of it checked; a UsageError says what is wrong and how to fix it. */
export function driverChoice(env: NodeJS.ProcessEnv = process.env): DriverChoice {
  const name = env.FABRICSPEC_DRIVER || DEFAULT_DRIVER;
  switch (name) {
    case "netns": {
      const transport = env.FABRICSPEC_TRANSPORT || "local";
      if (transport !== "local" && transport !== "ssh") {
        throw new UsageError(`transport "${transport}" is not supported. Supported transports are: ${TRANSPORTS.join(", ")}`, {
          hint: "set FABRICSPEC_TRANSPORT=ssh, or leave it unset",
        });
      }
      const provision = env.FABRICSPEC_PROVISION || "none";
      if (provision !== "none" && provision !== "ssh") {
        throw new UsageError(`provisioning "${provision}" is not supported. Supported: ssh (switches come up bare and are provisioned over SSH), none`, {
          hint: "set FABRICSPEC_PROVISION=ssh, or leave it unset",
        });
      }
      if (provision === "ssh" && transport === "local") {
        if (env.FABRICSPEC_TRANSPORT === "local") throw new UsageError("FABRICSPEC_PROVISION=ssh provisions the switches over SSH: it needs FABRICSPEC_TRANSPORT=ssh (or unset)");
        return { driver: name, transport: "ssh", provision: true };
      }
      return { driver: name, transport, provision: provision === "ssh" };
    }
    case "inventory":
      if (!env.FABRICSPEC_INVENTORY) {
        throw new UsageError("the inventory driver needs FABRICSPEC_INVENTORY, the inventory file", { hint: "e.g. FABRICSPEC_INVENTORY=lab/inventory.example.yaml" });
      }
      return { driver: name, inventory: env.FABRICSPEC_INVENTORY };
    case "vagrant":
      return { driver: name, provider: env.VAGRANT_DEFAULT_PROVIDER || "virtualbox" };
    default:
      throw new UsageError(`driver "${name}" is not supported. Supported drivers are: ${DRIVER_NAMES.join(", ")}`, {
        hint: "set FABRICSPEC_DRIVER to one of them, or leave it unset for netns",
      });
  }
}

/**
 * A status known without a driver: an embedded lab with nothing recorded is down (what
 * NetnsDriver.status says then, whatever the transport). Undefined when only the driver can tell.
 */
export function statusWithoutDriver(choice: DriverChoice): LabStatus | undefined {
  if (choice.driver !== "netns" || readState() !== undefined) return undefined;
  return { driver: choice.driver, state: "down", topology: undefined, nodes: [] };
}
