/**
 * Cucumber configuration (cucumber-js 12, ESM).
 *
 * Profiles:
 *   default  the acceptance run: features/**, support and steps compiled to dist/, reports in
 *            reports/ (junit.xml, allure-results/, cucumber-messages.ndjson).
 *   selftest the self-tests' runs against a lab broken on purpose (see below).
 * scripts/dryrun.ts dry-runs the default profile, first thing in `npm test` and in `npm run check`.
 *
 * Tags: scenarios tagged `@topology:X` run only when the topology under test is named X (see
 * topologyTagExpression); FABRICSPEC_TAGS adds any tag expression, ANDed with it.
 * Relative paths are resolved from the working directory: run from the repository root.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { ensureBuilt } from "./scripts/build.mjs";

// Support code and steps: the compiled JavaScript in dist/ (scripts/build.mjs builds it here when
// the sources changed), with source maps on so that step locations and stack traces name the .ts
// files. Under tsx (node --import tsx, as the unit and self-tests may run) the TypeScript sources
// are imported instead: one process must never load both copies of lab/, or an error thrown by one
// is not an instance of the other's classes.
const underTsx = /\btsx\b/.test([...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" "));
if (!underTsx) {
  process.setSourceMapsEnabled(true);
  ensureBuilt({ log: (message) => process.stderr.write(`build: ${message}\n`) });
}

const FEATURES = "features";
// Off a terminal, one line per scenario then the summary (scripts/progress-formatter.ts).
const PROGRESS_LINES = underTsx ? "./scripts/progress-formatter.ts" : "./dist/scripts/progress-formatter.js";
const CODE = underTsx ? ["support/**/*.ts", "steps/**/*.ts"] : ["dist/support/**/*.js", "dist/steps/**/*.js"];

/** The `name:` of the topology under test (FABRICSPEC_TOPOLOGY, default the blog lab). */
function topologyName() {
  const file = resolve(process.env.FABRICSPEC_TOPOLOGY ?? "lab/topologies/blog.yaml");
  const name = parse(readFileSync(file, "utf8"))?.name;
  if (typeof name !== "string") throw new Error(`cucumber.mjs: no "name:" in topology file ${file}`);
  return name;
}

/**
 * TOPOLOGY TAGS: `not @topology:X` for every X found in a feature file other than the topology
 * under test. Cucumber tag expressions have no wildcard, hence the scan of the feature files.
 */
export function topologyTagExpression() {
  const current = topologyName();
  const others = new Set();
  const entries = existsSync(FEATURES) ? readdirSync(FEATURES, { recursive: true, withFileTypes: true }) : [];
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith(".feature")) continue;
    const text = readFileSync(join(entry.parentPath ?? entry.path, entry.name), "utf8");
    for (const [, name] of text.matchAll(/@topology:([\w.-]+)/g)) if (name !== current) others.add(name);
  }
  return [...others].sort().map((name) => `not @topology:${name}`).join(" and ");
}

/** The tag expression of a run: topology exclusions AND FABRICSPEC_TAGS. */
function tags() {
  const parts = [topologyTagExpression(), process.env.FABRICSPEC_TAGS?.trim()].filter(Boolean);
  return parts.map((p) => `(${p})`).join(" and ");
}

const common = {
  // No `paths`: cucumber's default is features/**/*.feature, and paths given on the command line
  // (`npx cucumber-js features/fabric/routing.feature:9`) replace it instead of adding to it.
  import: CODE,
  tags: tags(),
  strict: true,
};

export default {
  ...common,
  format: [
    process.stdout.isTTY ? "progress-bar" : PROGRESS_LINES,
    ["junit", "reports/junit.xml"],
    ["message", "reports/cucumber-messages.ndjson"],
    // Writes its files into resultsDir; its own stream carries nothing. It must not be given
    // stdout: cucumber keeps only one formatter there and the console one would go silent.
    ["allure-cucumberjs/reporter", "/dev/null"],
  ],
  formatOptions: {
    // Evidence goes to the reports (Allure, the messages file), not the console.
    printAttachments: false,
    junit: { suiteName: "fabricspec" },
    resultsDir: "reports/allure-results",
  },
};

/**
 * The self-tests (test/self/faults.test.ts) run the acceptance features against a lab they broke
 * on purpose and read the verdict from the messages file that FABRICSPEC_MESSAGES names: one per
 * fault. The summary goes to stdout, which the self-test captures and shows only when it fails;
 * no JUnit or Allure output, so the reports of a real run are left alone.
 * Without the @disruptive scenarios: they break and repair the lab themselves, from a baseline
 * that a lab broken on purpose does not have, and their convergence waits would take most of the
 * self-test's time, once per fault.
 */
export const selftest = {
  ...common,
  // Every scenario a fault in the fabric can break, Calico peering's included (a wrong fabric must
  // fail them, never break them); not the overlay ones, nor the Kubernetes ones (they start a
  // cluster on the lab, and no fault here is meant to reach them).
  tags: [common.tags, "not @disruptive", "not @kubernetes", "not @calico or @peering"].filter(Boolean).map((p) => `(${p})`).join(" and "),
  format: ["summary", ["message", process.env.FABRICSPEC_MESSAGES || "reports/selftest/cucumber-messages.ndjson"]],
  formatOptions: { printAttachments: false },
};

/** test/self/calico.test.ts: the Calico peering scenarios against a lab broken on purpose. */
export const selftestCalico = {
  ...selftest,
  tags: [common.tags, "@calico and @peering"].filter(Boolean).map((p) => `(${p})`).join(" and "),
};

/** test/self/calico.test.ts: the Calico overlay scenarios against a lab broken on purpose. */
export const selftestOverlay = {
  ...selftest,
  // features/calico/ only: the Kubernetes pods' overlay scenario is test/self/kubernetes.test.ts's
  // (a missing VXLAN forwarding entry fails it too, as it should: seen when it was in this profile).
  tags: [common.tags, "@calico and @overlay and not @kubernetes"].filter(Boolean).map((p) => `(${p})`).join(" and "),
};

/** test/self/kubernetes.test.ts: the Kubernetes scenarios the embedded lab runs, against a cluster broken on purpose. */
export const selftestKubernetes = {
  ...selftest,
  tags: [common.tags, "@kubernetes and not @calico-pods"].filter(Boolean).map((p) => `(${p})`).join(" and "),
};
