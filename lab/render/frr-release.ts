/**
 * What a switch's FRR accepts where FRR releases differ, each fact with its source in FRR's own
 * code (FRRouting/frr at the tags named). The renderer (./frr.ts) emits only what the switch's
 * release has; the probes' parsers accept every release's JSON (lab/probes/bgp.ts). Which image
 * runs which release: lab/vagrant/settings.yaml and docs/vagrant.md.
 */
import { UsageError } from "../errors.js";

export interface FrrRelease {
  /** As plans say it: "7.4 or later", "4.0". */
  readonly name: string;
  /**
   * zebra's `[no] zebra nexthop kernel enable` (zebra/zebra_vty.c, DEFPY_HIDDEN
   * nexthop_group_use_enable): there from frr-7.4, absent at frr-7.3 and frr-4.0. A release
   * without it does not use kernel nexthop objects at all (frr-4.0's zebra has no RTM_NEWNEXTHOP),
   * so leaving the line out changes nothing there.
   */
  readonly kernelNexthopCommand: boolean;
}

/** Every release from 7.4 on: Debian 12's 8.4 (the embedded lab, the Vagrant `frr` image). */
export const FRR_CURRENT: FrrRelease = { name: "7.4 or later", kernelNexthopCommand: true };

/** The release a version names ("4.0", "4.0+cl3u13", "8.4.4"). */
export function frrRelease(version: string): FrrRelease {
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  if (!m) throw new UsageError(`FRR version "${version}" is not a version: expected MAJOR.MINOR, e.g. 4.0 or 8.4`);
  const [major, minor] = [Number(m[1]), Number(m[2])];
  const atLeast = (a: number, b: number): boolean => major > a || (major === a && minor >= b);
  return atLeast(7, 4) ? { ...FRR_CURRENT, name: version.trim() } : { name: version.trim(), kernelNexthopCommand: false };
}
