/** The lab of this run, from FABRICSPEC_TOPOLOGY and FABRICSPEC_DRIVER, made once per process. */
import type { LabDriver } from "../lab/drivers/driver.js";
import { labFromEnvironment } from "../lab/drivers/registry.js";

let lab: LabDriver | undefined;

export function currentLab(): LabDriver {
  lab ??= labFromEnvironment();
  return lab;
}
