@kubernetes
Feature: The cluster's control plane on the control-plane host
  The blog's kubeadm runs etcd, the API server, the controller manager and the scheduler on
  k8s-master-l1-1, and every node reaches the API server at that host's fabric address. Before any
  node can join, that control plane has to be whole: the API server ready with its etcd, advertised
  at the fabric address (what the kubernetes service points every pod to), and the controller
  manager and the scheduler each leading. On the embedded lab these are real Kubernetes components
  built from their published sources, run as processes in the control-plane host's namespace.

  Background:
    Given the lab is up

  Scenario: the API server is ready, with its etcd
    Then the Kubernetes API server is ready, etcd included

  Scenario: the API server is advertised at the control-plane host's fabric address
    Then the API server advertises the control-plane host's fabric address

  Scenario: the controller manager and the scheduler are leading
    Then the controller manager and the scheduler each hold their leader lease
