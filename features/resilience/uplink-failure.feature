@disruptive
Feature: A rack survives the loss of an uplink
  Every leaf has an uplink to every spine so that losing one costs capacity, not reachability:
  the rack stays reachable, and the other leaves' routes to it move to the remaining spines.

  Background:
    Given the lab is up
    And the fabric is at its baseline

  Scenario: the fabric routes around a leaf's lost uplink
    When the first leaf loses its uplink to the first spine
    Then the fabric converges around the failure within its budget
    When every host pings every host in the other racks
    Then every ping is answered
    When the failed link returns
    Then the fabric returns to its baseline within its budget
