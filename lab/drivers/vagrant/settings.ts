/** The boxes lab/vagrant/Vagrantfile will ask for, read from lab/vagrant/settings.yaml as it reads them. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Topology } from "../../topology/model.js";
import { VAGRANT_DIR } from "./vagrant-driver.js";

interface Settings {
  images: Record<string, { box: string }>;
  default: Record<string, string | number>;
  [topology: string]: unknown;
}

/** The switch box and the host box for a topology, with the Vagrantfile's environment overrides. */
export function vagrantBoxes(t: Topology, env: NodeJS.ProcessEnv = process.env): string[] {
  const all = parse(readFileSync(join(VAGRANT_DIR, "settings.yaml"), "utf8")) as Settings;
  const settings = { ...all.default, ...((all[t.name] as Record<string, string | number> | undefined) ?? {}) };
  const image = env.FABRICSPEC_SWITCH_IMAGE || String(settings.switch_image);
  const switchBox = env.FABRICSPEC_SWITCH_BOX || all.images[image]?.box || image;
  return [switchBox, env.FABRICSPEC_HOST_BOX || String(settings.host_box)];
}
