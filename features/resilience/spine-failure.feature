@disruptive
Feature: The fabric survives the loss of a spine
  A leaf-spine fabric exists to survive failures: when a spine fails, every rack keeps reaching
  every other rack through the remaining spines, the leaves drop it from their equal-cost next
  hops, and nothing else changes; when it comes back, so does the baseline. How long each took
  is measured and attached to the report, and judged against budgets derived from the BGP timers.
  Each scenario restores what it broke, even when it fails.

  Background:
    Given the lab is up
    And the fabric is at its baseline

  Scenario Outline: the fabric routes around a spine whose <failure>
    When the first spine fails: its <failure>
    Then the fabric converges around the failure within its budget
    And every leaf routes every other rack subnet over one spine fewer
    When every host pings every host in the other racks
    Then every ping is answered
    When the failed spine returns
    Then the fabric returns to its baseline within its budget

    Examples:
      | failure        |
      | links go down  |
      | bgpd dies      |
