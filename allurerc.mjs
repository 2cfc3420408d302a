/**
 * Allure 3 configuration, read by `allure generate` (scripts/report.mjs) from the repository root.
 * One plugin, "awesome", so its files land directly in `output` (reports/allure-report/index.html).
 * singleFile embeds the data in index.html: the report opens from disk or a CI artifact (file://),
 * with no web server (a multi-file report fetches its JSON, which browsers refuse on file://).
 * Allure refuses one file past its size limit (a 208-switch run's evidence): scripts/report.mjs
 * then asks for the multi-file report with FABRICSPEC_REPORT_FILES=many.
 */
import { basename } from "node:path";

export default {
  name: "fabricspec: IP fabric acceptance",
  output: "reports/allure-report",
  // Shown in the report's header: which lab these results describe.
  variables: {
    topology: basename(process.env.FABRICSPEC_TOPOLOGY ?? "lab/topologies/blog.yaml"),
    driver: process.env.FABRICSPEC_DRIVER ?? "netns",
  },
  // One fault, one headline: failures grouped by cause, matched on the judges' own sentences
  // (lab/fabric/judge.ts, lab/fabric/reachability.ts); a LabError is Allure's "broken".
  // The first rule that matches wins, so the most specific cause comes first. A failed step
  // labels its scenario with the fault behind it (support/failure-picture.ts, `cause`): every
  // scenario one fault fails lands in that fault's category, whatever its own message says.
  categories: {
    rules: [
      { name: "BGP AS mismatch", matchers: { statuses: ["failed"], labels: { cause: /^BGP AS mismatch$/ } }, groupByMessage: false },
      { name: "BGP session not established", matchers: { statuses: ["failed"], labels: { cause: /^BGP session not established$/ } }, groupByMessage: false },
      { name: "Route or ECMP wrong", matchers: { statuses: ["failed"], labels: { cause: /^Route or ECMP wrong$/ } }, groupByMessage: false },
      { name: "BGP AS mismatch", matchers: { statuses: ["failed"], message: /has remote AS \d+ \(expected \d+\)/ } },
      { name: "BGP session not established", matchers: { statuses: ["failed"], message: /is in state \S+.*\(expected Established\)|has no BGP neighbor|is not running/ } },
      { name: "Route or ECMP wrong", matchers: { statuses: ["failed"], message: /has no route to|routes \S+ via .*\(expected/ } },
      { name: "Unreachable", matchers: { statuses: ["failed"], message: /got no answer from/ } },
      { name: "Lab broken", matchers: { statuses: ["broken"] } },
    ],
  },
  plugins: {
    awesome: {
      options: {
        singleFile: process.env.FABRICSPEC_REPORT_FILES !== "many",
        reportName: "fabricspec: IP fabric acceptance",
        // One group per feature: the capability a scenario documents.
        groupBy: ["feature"],
      },
    },
  },
};
