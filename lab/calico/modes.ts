/** The pod network modes a lab can be in. */

/** Calico as this project reads the blog's parts 3 and 4: peering with the fabric, or its overlay. */
export type CalicoMode = "peering" | "overlay";

/** The lab's pod network: none (the blog's part 2, Kubernetes without a network plugin), or Calico in a mode. */
export type PodNetworkMode = "none" | CalicoMode;
