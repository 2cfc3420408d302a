@topology:blog
Feature: The blog's spine routing table
  `net show bgp` on spine1 in the blog shows both rack subnets, each learned from its leaf:
  next hop the leaf's end of the link, AS path the leaf's AS, origin incomplete ("?") because the
  leaves redistribute their connected routes.

  Background:
    Given the lab is up

  Scenario: spine1 learns both rack subnets
    Then spine1's BGP table has these best paths:
      | prefix        | next hop   | AS path | origin     |
      | 10.0.101.0/24 | 172.16.0.1 | 65101   | incomplete |
      | 10.0.102.0/24 | 172.16.0.3 | 65102   | incomplete |

  Scenario: spines learn five prefixes and leaves four
    Then these switches have learned this many prefixes over BGP:
      | switch | prefixes |
      | spine1 | 5        |
      | spine2 | 5        |
      | leaf1  | 4        |
      | leaf2  | 4        |
