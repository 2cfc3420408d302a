@topology:blog
Feature: The blog's loopback reachability
  The blog pings every other switch's loopback from leaf1's own loopback: the spines, one hop
  away, answer with TTL 64; leaf2 answers with TTL 63, one hop further, through a spine.

  Scenario: leaf1 reaches every switch loopback from its own
    Given the lab is up
    When leaf1 pings every other switch loopback from 172.16.255.101
    Then every loopback answers with this TTL:
      | loopback       | switch | TTL |
      | 172.16.255.1   | spine1 | 64  |
      | 172.16.255.2   | spine2 | 64  |
      | 172.16.255.102 | leaf2  | 63  |
