/** The pod network modes a lab can be in. */

/** Calico as this project reads the blog's parts 3 and 4: peering with the fabric, or its overlay. */
export type CalicoMode = "peering" | "overlay";

/** The lab's pod network: none (the blog's part 2, Kubernetes without a network plugin), or Calico in a mode. */
export type PodNetworkMode = "none" | CalicoMode;

/**
 * How the overlay carries pod traffic between nodes: IPIP, as Calico's manifest installs it (and
 * the blog's Vagrant lab runs it), or VXLAN, Calico's other encapsulation, for kernels without ipip.
 */
export type OverlayEncapsulation = "ipip" | "vxlan";

/** FABRICSPEC_CALICO_OVERLAY: the encapsulation a user asks for, or undefined (the lab's own choice). */
export function overlayFromEnvironment(env: NodeJS.ProcessEnv = process.env): OverlayEncapsulation | undefined {
  const value = env.FABRICSPEC_CALICO_OVERLAY;
  if (value === undefined || value === "") return undefined;
  if (value === "ipip" || value === "vxlan") return value;
  throw new Error(`FABRICSPEC_CALICO_OVERLAY=${value}: expected ipip or vxlan`);
}
