Feature: Every leaf peers with every spine
  A leaf-spine fabric is only as good as its sessions: every leaf runs eBGP with every spine, each
  switch in its own AS, and no other sessions exist. The expectations come from the topology, so
  this holds for any leaf-spine fabric described in a topology file.

  Scenario: every leaf has an established session with every spine
    Given the lab is up
    Then every leaf has an established BGP session with every spine
    And every spine has an established BGP session with every leaf
