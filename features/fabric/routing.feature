Feature: The fabric routes what it should and nothing more
  Each switch advertises its loopback, each leaf also its rack subnet; the point-to-point links
  stay out of BGP. With as-path multipath-relax every switch installs all equal-cost paths, so a
  leaf reaches another rack over every spine. What each switch learns is what BGP's rules give it
  over the topology's AS plan: no path that carries its own AS (with all spines in one AS, a spine
  learns no other spine's loopback), the shortest AS paths, the origin of the fabric's origination.

  Background:
    Given the lab is up

  Scenario: every spine learns every rack subnet and every loopback, and no point-to-point link
    Then every spine has a route to every rack subnet and every other loopback
    And no switch has learned a point-to-point subnet over BGP

  Scenario: every switch learns what BGP carries to it over the AS plan, and nothing else
    Then every switch has learned exactly the prefixes BGP carries to it, with the fabric's origin

  Scenario: every leaf reaches every other rack over all spines
    Then every leaf routes every other rack subnet over all spines
