@topology:blog
Feature: The blog's BGP sessions
  In part 2 of the blog every switch runs eBGP in its own AS, every leaf with both spines, and
  `net show bgp summary` on each switch shows its two sessions Established. These are those
  checks, with the neighbors, AS numbers and router-ids the blog shows.

  Background:
    Given the lab is up

  Scenario: leaf1 peers with both spines
    Then leaf1 has exactly these established BGP sessions:
      | neighbor   | hostname | remote AS |
      | 172.16.0.0 | spine1   | 65001     |
      | 172.16.0.4 | spine2   | 65002     |
    And leaf1's BGP router-id is 172.16.255.101 in AS 65101

  Scenario: leaf2 peers with both spines
    Then leaf2 has exactly these established BGP sessions:
      | neighbor   | hostname | remote AS |
      | 172.16.0.2 | spine1   | 65001     |
      | 172.16.0.6 | spine2   | 65002     |
    And leaf2's BGP router-id is 172.16.255.102 in AS 65102

  Scenario: spine1 peers with both leaves
    Then spine1 has exactly these established BGP sessions:
      | neighbor   | hostname | remote AS |
      | 172.16.0.1 | leaf1    | 65101     |
      | 172.16.0.3 | leaf2    | 65102     |
    And spine1's BGP router-id is 172.16.255.1 in AS 65001

  Scenario: spine2 peers with both leaves
    Then spine2 has exactly these established BGP sessions:
      | neighbor   | hostname | remote AS |
      | 172.16.0.5 | leaf1    | 65101     |
      | 172.16.0.7 | leaf2    | 65102     |
    And spine2's BGP router-id is 172.16.255.2 in AS 65002
