/**
 * `npm test`: the full acceptance run. Checks the features against the steps and the topology,
 * brings the lab up (or reuses one that `fabricspec lab up` left running), runs every feature that
 * applies, removes the lab it built, and writes the reports. Exit 0 only when every scenario passed.
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { labFromEnvironment } from "../drivers/registry.js";
import { EXIT, progress, reportError, withLab } from "./run-lab.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cucumber = fileURLToPath(new URL("../../node_modules/@cucumber/cucumber/bin/cucumber.js", import.meta.url));

/**
 * Runs a node script of the project, inheriting the console; returns its exit code. Asynchronous,
 * so that a signal to this process is handled (and the lab removed) while the child runs.
 */
function node(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? EXIT.broken));
  });
}

async function main(): Promise<number> {
  const driver = labFromEnvironment();
  // Before anything exists: every step defined, every node a step names in the topology.
  if ((await node(["--import", "tsx", "scripts/dryrun.ts"])) !== 0) return EXIT.usage;
  return withLab(driver, "npm test", async (session) => {
    const up = await driver.up({ progress });
    session.ownsLab = !up.reused;
    const total = up.phases.reduce((sum, p) => sum + p.ms, 0);
    if (!up.reused) progress(`lab ${driver.topology.name} up and converged in ${total} ms`);
    // allure-cucumberjs adds to its results directory: start clean so old runs stay out.
    for (const output of ["allure-results", "allure-report", "junit.xml", "cucumber-messages.ndjson"]) {
      rmSync(`${root}/reports/${output}`, { recursive: true, force: true });
    }
    let code: number;
    try {
      code = await node([cucumber, ...process.argv.slice(2)]);
    } finally {
      if (session.ownsLab) await driver.down(progress);
      else progress(`left the ${driver.topology.name} lab running, as \`fabricspec lab up\` started it`);
    }
    await node(["scripts/report.mjs"]);
    return code;
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(reportError(error)),
);
