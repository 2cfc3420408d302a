@kubernetes @kubelet @calico @pods
Feature: Pods on every node reach each other across the fabric
  What the pod network is for, checked as an engineer checks a new cluster: a pod on every node,
  each with an address of its own from the pod network, and from each a ping to every other, so
  every pair of racks is crossed both ways. The probe pods are ordinary Kubernetes pods running
  BusyBox (on the embedded lab an image built on this machine and imported into each node's
  containerd, as it has no registry), networked by whatever CNI plugin the nodes run, and deleted
  after each scenario. On the embedded lab that is the CNI reference plugins (ptp, host-local) over
  each node's Calico block, and the blocks are routed by BIRD 1.6 with calico-node's configuration:
  the fabric's leaves and spines carry the pods' packets in peering mode, VXLAN between the nodes
  in overlay mode.

  Background:
    Given the lab is up

  Scenario: a pod on every node, each with an address of its own in the pod network
    Given Calico is deployed in peering mode
    When a probe pod runs on every Kubernetes node
    Then every probe pod has an address of its own in the pod network

  Scenario: every pod reaches every other pod through the fabric's routes
    Given Calico is deployed in peering mode
    When a probe pod runs on every Kubernetes node
    Then every probe pod reaches every other probe pod

  @overlay
  Scenario: every pod reaches every other pod over Calico's overlay
    Given Calico is deployed in overlay mode
    When a probe pod runs on every Kubernetes node
    Then every probe pod reaches every other probe pod
