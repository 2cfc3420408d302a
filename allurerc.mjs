/**
 * Allure 3 configuration, read by `allure generate` (scripts/report.mjs) from the repository root.
 * One plugin, "awesome", so its files land directly in `output` (reports/allure-report/index.html).
 * singleFile embeds the data in index.html: the report opens from disk or a CI artifact (file://),
 * with no web server (a multi-file report fetches its JSON, which browsers refuse on file://).
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
  plugins: {
    awesome: {
      options: {
        singleFile: true,
        reportName: "fabricspec: IP fabric acceptance",
        // One group per feature: the capability a scenario documents.
        groupBy: ["feature"],
      },
    },
  },
};
