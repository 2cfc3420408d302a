@kubernetes @kubelet
Feature: The Kubernetes cluster on the fabric
  The blog builds a kubeadm cluster on the fabric's racks: one control plane and four workers,
  each registered with its fabric address, never with the address of the hypervisor's NAT network.
  Its order is part of the story: after part 2 the nodes are NotReady, waiting for a network plugin;
  once Calico runs (parts 3 and 4, read here as Calico peering with the fabric) they are Ready.
  These scenarios need a Kubernetes API and a kubelet on every node: the Vagrant lab, a real
  cluster and the embedded lab have them (the embedded lab's are real kubelets and containerds,
  one per host's namespace). On the embedded lab "Calico" is Calico's BGP as it runs there: BIRD
  1.6 with calico-node's configuration, Felix's routes made by the lab, and each node's pods wired
  by the CNI reference plugins (ptp, host-local) over the node's Calico block; calico-node itself
  and Calico's CNI plugin do not run there, so the two scenarios that need Calico's own pods
  (@calico-pods) are skipped on it, with the reason.

  Background:
    Given the lab is up

  Scenario: every node joined with its fabric address
    Then every Kubernetes node of the topology has joined the cluster with its fabric address

  @topology:blog
  Scenario: all five nodes joined with their fabric addresses
    Then the cluster's nodes have these INTERNAL-IPs:
      | node            | INTERNAL-IP  |
      | k8s-master-l1-1 | 10.0.101.10  |
      | k8s-node-l1-1   | 10.0.101.101 |
      | k8s-node-l1-2   | 10.0.101.102 |
      | k8s-node-l2-1   | 10.0.102.101 |
      | k8s-node-l2-2   | 10.0.102.102 |

  Scenario: nodes are NotReady before a pod network is deployed
    Given no pod network is deployed
    Then every Kubernetes node is NotReady, waiting for a network plugin

  Scenario: all nodes Ready after Calico
    Given Calico is deployed in peering mode
    Then every Kubernetes node is Ready

  @calico-pods
  Scenario: calico-node runs on every node
    Given Calico is deployed in peering mode
    Then calico-node runs on every Kubernetes node, ready

  @calico-pods
  Scenario: Calico's BGP sessions, as calico-node sees them
    Given Calico is deployed in peering mode
    Then Calico's BIRD on every Kubernetes node has one session, with its leaf, Established
