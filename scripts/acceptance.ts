/**
 * `npm test`: the full acceptance run, in one process. Loads the features and the step code once;
 * checks them (every step defined, every switch a step names in the topology) before anything is
 * built; brings the lab up, or reuses one that `fabricspec lab up` left running; runs every feature
 * that applies; removes the lab it built; writes the reports. Exit 0 only when every scenario passed.
 * It lives outside lab/ because it drives cucumber, which the library never imports.
 * Arguments are cucumber's: `npm test -- features/fabric/routing.feature`.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadConfiguration, loadSupport, runCucumber } from "@cucumber/cucumber/api";
import { EXIT, progress, reportError, withLab } from "../lab/cli/run-lab.js";
import { labFromEnvironment } from "../lab/drivers/registry.js";
import { formatProperties, runEnvironment } from "../lab/report/environment.js";
import { checkFeatures } from "./dryrun.js";
import { junitProblems } from "./junit-schema.js";
import { postProcessJunit } from "./junit.js";
import { PROJECT_ROOT } from "../lab/project-root.js";

const root = PROJECT_ROOT;

/** The Allure HTML report, from the results the run wrote. */
function report(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["scripts/report.mjs"], { cwd: root, stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? EXIT.broken));
  });
}

async function main(): Promise<number> {
  const driver = labFromEnvironment();
  const { runConfiguration } = await loadConfiguration({ profiles: ["default"], provided: process.argv.slice(2) });
  const support = await loadSupport(runConfiguration);
  const problems = await checkFeatures(runConfiguration, support, driver.topology);
  if (problems.length > 0) {
    progress(`the features do not fit the steps or the topology; nothing was built:\n  ${problems.join("\n  ")}`);
    return EXIT.usage;
  }
  return withLab(driver, "npm test", async (session) => {
    const up = await session.up();
    if (!up.reused) progress(`lab ${driver.topology.name} up and converged in ${up.phases.reduce((sum, p) => sum + p.ms, 0)} ms`);
    // allure-cucumberjs adds to its results directory: start clean so old runs stay out.
    for (const output of ["allure-results", "allure-report", "junit.xml", "cucumber-messages.ndjson"]) {
      rmSync(`${root}/reports/${output}`, { recursive: true, force: true });
    }
    // What ran (FRR, BIRD, kernel, iproute2 as the lab's own switch reports them; driver, topology,
    // commit), for the report's Environment.
    mkdirSync(`${root}/reports/allure-results`, { recursive: true });
    writeFileSync(`${root}/reports/allure-results/environment.properties`, formatProperties(await runEnvironment(driver, root)));
    let passed: boolean;
    try {
      passed = (await runCucumber({ ...runConfiguration, support })).success;
    } finally {
      if (session.ownsLab) await session.down();
      else progress(`left the ${driver.topology.name} lab running: this run did not build it`);
    }
    // Skip reasons and broken scenarios as `<error>`: what cucumber's junit formatter leaves out.
    postProcessJunit(`${root}/reports/junit.xml`, `${root}/reports/cucumber-messages.ndjson`);
    // The run's last lines say where to look: JUnit (checked against junit-10.xsd's rules, which
    // Jenkins validates with), then the HTML report (scripts/report.mjs).
    const problems = junitProblems(readFileSync(`${root}/reports/junit.xml`, "utf8"));
    progress(problems.length === 0 ? "JUnit: reports/junit.xml (valid against junit-10.xsd)" : `JUnit: reports/junit.xml breaks junit-10.xsd:\n  ${problems.join("\n  ")}`);
    await report();
    return passed ? EXIT.ok : EXIT.failed;
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(reportError(error)),
);
