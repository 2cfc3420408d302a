Feature: Every leaf peers with every spine of its pod
  A leaf-spine fabric is only as good as its sessions: every leaf runs eBGP with every spine of its
  pod (in a two-tier fabric, every spine), every spine with the super-spines above it in a 5-stage
  Clos, and no other sessions exist. The expectations come from the topology, so this holds for any
  fabric described in a topology file.

  Scenario: every leaf has an established session with every spine of its pod
    Given the lab is up
    Then every leaf has an established BGP session with every spine of its pod
    And every spine and super-spine has an established BGP session with every switch it is linked to
