Feature: The fabric routes what it should and nothing more
  Each switch advertises its loopback, each leaf also its rack subnet; the point-to-point links
  stay out of BGP. With as-path multipath-relax every switch installs all equal-cost paths, so a
  leaf reaches another rack over every spine.

  Background:
    Given the lab is up

  Scenario: every spine learns every rack subnet and every loopback, and no point-to-point link
    Then every spine has a route to every rack subnet and every other loopback
    And no switch has learned a point-to-point subnet over BGP

  Scenario: every leaf reaches every other rack over all spines
    Then every leaf routes every other rack subnet over all spines
