#!/usr/bin/env node
/**
 * Generates the Allure HTML report: reports/allure-results -> reports/allure-report/index.html.
 * Uses Allure 3 from node_modules (plain Node, no Java, no network); settings in allurerc.mjs.
 * The awesome template always adds Google Analytics to index.html; it is removed, so that opening
 * a lab report sends nothing anywhere.
 * Past Allure's size limit for a single file, it generates the multi-file report and says how to open it.
 * No results is not an error (a run that broke before cucumber started): it says so and exits 0.
 * Usage: node scripts/report.mjs
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const results = "reports/allure-results";
const output = "reports/allure-report";
const cli = fileURLToPath(new URL("../node_modules/allure/cli.js", import.meta.url));

const files = existsSync(`${root}/${results}`) ? readdirSync(`${root}/${results}`) : [];
if (!files.some((f) => f.endsWith("-result.json"))) {
  console.log(`report: no Allure results in ${results}: no report generated`);
  process.exit(0);
}

const generate = (env) => {
  rmSync(`${root}/${output}`, { recursive: true, force: true }); // no stale files from an older report
  return spawnSync(process.execPath, [cli, "generate", results, "--config", "allurerc.mjs", "--output", output], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
};
let run = generate({});
// Past Allure's size limit for one file (a large fabric's evidence), the multi-file report.
const manyFiles = /too large to be generated in the single file mode/.test(`${run.stdout}${run.stderr}`);
if (manyFiles) run = generate({ FABRICSPEC_REPORT_FILES: "many" });
if (run.status !== 0 || !existsSync(`${root}/${output}/index.html`)) {
  process.stderr.write(run.stdout + run.stderr + (run.error ? `${run.error.message}\n` : ""));
  console.error(`report: allure generate failed (exit ${run.status ?? run.signal}); no ${output}/index.html`);
  process.exit(1);
}

const index = `${root}/${output}/index.html`;
const gtag = /<script async src="https:\/\/www\.googletagmanager\.com\/[^"]*"><\/script>\s*<script>[^<]*gtag\([^<]*<\/script>/;
writeFileSync(index, readFileSync(index, "utf8").replace(gtag, ""));
console.log(
  manyFiles
    ? `report: ${output}/index.html (too large for one file: a multi-file report, which a browser reads over HTTP only: npx allure open ${output})`
    : `report: ${output}/index.html`,
);
