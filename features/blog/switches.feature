@topology:blog
Feature: The blog's switches
  The blog's lab has four switches, two spines and two leaves, each running the routing suite
  (Cumulus Linux runs FRR: zebra for the kernel's routes, bgpd for BGP).

  Scenario: all switches are running
    Given the lab is up
    Then these switches run zebra and bgpd:
      | switch |
      | spine1 |
      | spine2 |
      | leaf1  |
      | leaf2  |
