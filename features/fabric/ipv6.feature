@topology:dual-stack
Feature: The fabric carries IPv6 beside IPv4
  A dual-stack fabric routes both families: each switch originates its IPv6 loopback and each leaf
  its rack's IPv6 subnet into BGP's IPv6 unicast family, carried by the sessions over the links'
  IPv6 addresses. Hosts reach each other's IPv6 addresses across racks through their leaf, as
  they reach the IPv4 ones; the generic scenarios judge both families' sessions and routes.

  Background:
    Given the lab is up

  Scenario: every switch reaches every IPv6 loopback from its own
    When every switch pings every other switch IPv6 loopback from its own IPv6 loopback
    Then every ping is answered

  Scenario: every host reaches every other host's IPv6 address across racks
    When every host pings the IPv6 address of every host in the other racks
    Then every ping is answered
