Feature: Everything reaches everything
  Loopbacks are how switches are managed and hosts are what the fabric is for: every switch
  reaches every other switch's loopback that BGP carries to it, from its own (with all spines in
  one AS, RFC 7938 5.2.1, a spine has no path to another spine's), and every host reaches every
  host in the other racks, through its own leaf.

  Background:
    Given the lab is up

  Scenario: every switch reaches every loopback from its own
    When every switch pings every other switch loopback from its own loopback
    Then every ping is answered

  Scenario: every host reaches every other host across racks, through its leaf
    When every host pings every host in the other racks
    Then every ping is answered
    And every host's path to the other racks starts at its leaf's gateway
