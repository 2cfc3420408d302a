@calico @overlay
Feature: Calico as installed: a mesh of nodes and an overlay
  This is this project's reading of part 3 of the blog, whose text could not be retrieved: Calico
  as its manifest installs it. The nodes run a full iBGP mesh among themselves in AS 64512 and
  carry pod traffic in IPIP tunnels, so the fabric never sees a pod address: it carries no pod
  routes, and a pod's path to another rack shows no switch at all.
  The Calico resources are lab/calico/<topology>/overlay.yaml. The embedded lab needs the kernel's
  ipip module for this, and reports these scenarios as skipped, with the reason, where it is missing.

  Background:
    Given the lab is up
    And Calico is deployed in overlay mode

  Scenario: the nodes peer with each other in a full mesh
    Then every Kubernetes node has an established BGP session with every other node in AS 64512

  Scenario: the fabric carries no pod routes
    Then no switch routes a pod prefix

  Scenario: a pod reaches the pods in the other racks through the overlay
    When every pod pings every pod in the other racks
    Then every ping is answered
    And every pod's path to the other racks crosses no switch
