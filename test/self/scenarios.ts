/**
 * The scenarios of the blog topology as the self-tests name them: B, the blog's literal facts;
 * G, the generic fabric scenarios; P, Calico peering (features/calico/peering.feature); O, Calico's
 * overlay (features/calico/overlay.feature).
 */
export const FABRIC_SCENARIOS = {
  B1: "leaf1 peers with both spines",
  B2: "leaf2 peers with both spines",
  B3: "spine1 peers with both leaves",
  B4: "spine2 peers with both leaves",
  B5: "all switches are running",
  B6: "leaf1 reaches every switch loopback from its own",
  B7: "spine1 learns both rack subnets",
  B8: "spines learn five prefixes and leaves four",
  G1: "every leaf has an established session with every spine of its pod",
  G2: "every spine learns every rack subnet and every loopback, and no point-to-point link",
  G3: "every leaf reaches every other rack over all spines",
  G4: "every switch reaches every loopback from its own",
  G5: "every host reaches every other host across racks, through its leaf",
  G6: "every switch learns what BGP carries to it over the AS plan, and nothing else",
} as const;

export const CALICO_PEERING_SCENARIOS = {
  P1: "every Kubernetes node has one BGP session, with its leaf",
  P2: "k8s-master-l1-1 peers with leaf1 in AS 65101",
  P3: "k8s-node-l1-1 peers with leaf1 in AS 65101",
  P4: "k8s-node-l1-2 peers with leaf1 in AS 65101",
  P5: "k8s-node-l2-1 peers with leaf2 in AS 65102",
  P6: "k8s-node-l2-2 peers with leaf2 in AS 65102",
  P7: "every leaf peers with its spines and with the nodes of its rack",
  P8: "leaf1 peers with both spines and its three nodes",
  P9: "the leaves reflect every pod block to the nodes",
  P10: "every spine learns every node's pod block from that node's leaf",
  P11: "every leaf reaches the other racks' pod blocks over all spines",
  P12: "a pod reaches the pods in the other racks through leaf and spine",
  P13: "every node is ready as calico-node judges it",
} as const;

/** features/fabric/ipv6.feature: on the dual-stack topology only. */
export const IPV6_SCENARIOS = {
  I1: "every switch reaches every IPv6 loopback from its own",
  I2: "every host reaches every other host's IPv6 address across racks",
} as const;

export const CALICO_OVERLAY_SCENARIOS = {
  O1: "the nodes peer with each other in a full mesh",
  O2: "every node is ready as calico-node judges it",
  O3: "the fabric carries no pod routes",
  O4: "a pod reaches the pods in the other racks through the overlay",
} as const;

/** The scenarios that run on a topology other than the blog's: the generic fabric ones and Calico peering's generic ones. */
export const GENERIC_SCENARIOS = {
  G1: FABRIC_SCENARIOS.G1,
  G2: FABRIC_SCENARIOS.G2,
  G3: FABRIC_SCENARIOS.G3,
  G4: FABRIC_SCENARIOS.G4,
  G5: FABRIC_SCENARIOS.G5,
  G6: FABRIC_SCENARIOS.G6,
  P1: CALICO_PEERING_SCENARIOS.P1,
  P7: CALICO_PEERING_SCENARIOS.P7,
  P9: CALICO_PEERING_SCENARIOS.P9,
  P10: CALICO_PEERING_SCENARIOS.P10,
  P11: CALICO_PEERING_SCENARIOS.P11,
  P12: CALICO_PEERING_SCENARIOS.P12,
  P13: CALICO_PEERING_SCENARIOS.P13,
} as const;

/** features/kubernetes/: C, the control plane's; K, the nodes' (the two @calico-pods ones are skipped on the embedded lab); P, the probe pods'. */
export const KUBERNETES_SCENARIOS = {
  C1: "the API server is ready, with its etcd",
  C2: "the API server is advertised at the control-plane host's fabric address",
  C3: "the controller manager and the scheduler are leading",
  K1: "every node joined with its fabric address",
  K2: "all five nodes joined with their fabric addresses",
  K3: "nodes are NotReady before a pod network is deployed",
  K4: "all nodes Ready after Calico",
  P1: "a pod on every node, each with an address of its own in the pod network",
  P2: "every pod reaches every other pod through the fabric's routes",
  P3: "every pod reaches every other pod over Calico's overlay",
} as const;
