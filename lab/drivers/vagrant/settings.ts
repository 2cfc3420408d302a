/** The boxes lab/vagrant/Vagrantfile will ask for, read from lab/vagrant/settings.yaml as it reads them. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { FRR_CURRENT, frrRelease, type FrrRelease } from "../../render/frr-release.js";
import type { Topology } from "../../topology/model.js";
import { VAGRANT_DIR } from "./vagrant-driver.js";

interface Settings {
  images: Record<string, { box: string; frr?: string }>;
  default: Record<string, string | number>;
  [topology: string]: unknown;
}

function settingsOf(t: Topology): { all: Settings; settings: Record<string, string | number> } {
  const all = parse(readFileSync(join(VAGRANT_DIR, "settings.yaml"), "utf8")) as Settings;
  return { all, settings: { ...all.default, ...((all[t.name] as Record<string, string | number> | undefined) ?? {}) } };
}

/** The switch image (cumulus, frr) the Vagrantfile will use for a topology. */
export function vagrantSwitchImage(t: Topology, env: NodeJS.ProcessEnv = process.env): string {
  return env.FABRICSPEC_SWITCH_IMAGE || String(settingsOf(t).settings.switch_image);
}

/** The switch box and the host box for a topology, with the Vagrantfile's environment overrides. */
export function vagrantBoxes(t: Topology, env: NodeJS.ProcessEnv = process.env): string[] {
  const { all, settings } = settingsOf(t);
  const image = vagrantSwitchImage(t, env);
  const switchBox = env.FABRICSPEC_SWITCH_BOX || all.images[image]?.box || image;
  const hostBox = env.VAGRANT_DEFAULT_PROVIDER === "libvirt" ? settings.host_box_libvirt : settings.host_box;
  return [switchBox, env.FABRICSPEC_HOST_BOX || String(hostBox)];
}

/** The FRR release of the switch image the Vagrantfile will use (its `frr:`; 7.4 or later when it names none). */
export function vagrantSwitchFrr(t: Topology, env: NodeJS.ProcessEnv = process.env): FrrRelease {
  const version = settingsOf(t).all.images[vagrantSwitchImage(t, env)]?.frr;
  return version === undefined ? FRR_CURRENT : frrRelease(String(version));
}
