/**
 * How FRR runs on the machine being provisioned: where its daemons file and frr.conf live, which
 * vtysh reaches it, and the steps that make it read the installed configuration. Everything else
 * of the provisioner is the same for every machine. Packaged FRR (Debian's, Cumulus Linux's) is
 * here; the embedded lab's, daemon by daemon, is its driver's (lab/drivers/netns/provision.ts).
 */
import { FRR_INSTALL, frrService, PACKAGED_FRR } from "../kinds/frr.js";
import { FRR_CURRENT, type FrrRelease } from "../render/frr-release.js";
import type { ProvisionStep } from "./plan.js";

export interface FrrTarget {
  /** Said in the plan: "packaged", "embedded". */
  readonly name: string;
  /** How FRR is installed there, for fixes. */
  readonly install: string;
  /** Its FRR release: what the rendered frr.conf may say (lab/render/frr-release.ts). */
  readonly release: FrrRelease;
  daemonsFile(sw: string): string;
  configFile(sw: string): string;
  /** vtysh as it reaches this switch's FRR (for the dry run, `vtysh -C`). */
  vtysh(sw: string): readonly string[];
  /** The last steps: FRR reading the installed daemons file and frr.conf. */
  load(sw: string): ProvisionStep[];
}

/** FRR as Debian and Cumulus Linux package it, of a release: the frr service reads /etc/frr/daemons and frr.conf. */
export const packagedTarget = (release: FrrRelease): FrrTarget => ({
  name: "packaged",
  install: FRR_INSTALL,
  release,
  daemonsFile: () => "/etc/frr/daemons",
  configFile: () => PACKAGED_FRR.configFile,
  vtysh: () => PACKAGED_FRR.vtysh,
  load: () => [
    {
      name: "load FRR",
      // Active and unchanged: nothing to do. A new daemons file or frr.conf: a restart reads them
      // (watchfrr starts the daemons the daemons file names, `vtysh -b` loads frr.conf).
      checks: [{ argv: ["systemctl", "is-active", "--quiet", PACKAGED_FRR.service] }],
      rerunAfterChange: true,
      commands: [{ argv: ["systemctl", "enable", PACKAGED_FRR.service] }, { argv: frrService("restart") }],
      fix: `see \`journalctl -u ${PACKAGED_FRR.service}\` on the switch; FRR must be installed (${FRR_INSTALL})`,
    },
  ],
});

/** Packaged FRR 7.4 or later (Debian 12's 8.4; an inventory's switches). */
export const PACKAGED_TARGET: FrrTarget = packagedTarget(FRR_CURRENT);
