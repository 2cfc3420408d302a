@calico @overlay
Feature: Calico as installed: a mesh of nodes and an overlay
  This is this project's reading of part 3 of the blog, whose text could not be retrieved: Calico
  as its manifest installs it. The nodes run a full iBGP mesh among themselves in AS 64512 and
  carry pod traffic in tunnels, so the fabric never sees a pod address: it carries no pod routes,
  and a pod's path to another rack shows no switch at all.
  The encapsulation is the lab's: IPIP, as the manifest installs it, on the Vagrant lab
  (lab/calico/<topology>/overlay.yaml); VXLAN, Calico's other encapsulation, on the embedded lab,
  whose kernels need no ipip for it (overlay-vxlan.yaml). FABRICSPEC_CALICO_OVERLAY chooses; the
  report's deployment step names the encapsulation each scenario checked.

  Background:
    Given the lab is up
    And Calico is deployed in overlay mode

  Scenario: the nodes peer with each other in a full mesh
    Then every Kubernetes node has an established BGP session with every other node in AS 64512

  Scenario: every node is ready as calico-node judges it
    Then every Kubernetes node is ready as calico-node judges it: its BGP sessions Established, its routes programmed

  Scenario: the fabric carries no pod routes
    Then no switch routes a pod prefix

  Scenario: a pod reaches the pods in the other racks through the overlay
    When every pod pings every pod in the other racks
    Then every ping is answered
    And every pod's path to the other racks crosses no switch
