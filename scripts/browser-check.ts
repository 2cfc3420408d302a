/**
 * The report as a person sees it, in a real browser: Debian's chromium (scripts/bootstrap.mjs
 * --browser installs it like FRR), driven by playwright-core, opens reports/allure-report and
 * checks the overview (the report's name, as many results as the run wrote), the scenario the run's
 * health matrix and fabric picture are attached to (both rendered), a provisioned lab's switch
 * provisioning logs (shown as text, and among the global attachments), and after a failed run its
 * categories and a failed scenario's highlighted picture. Screenshots go to reports/screenshots/.
 * Part of `npm run check`; without a report (a fresh checkout) it first makes one with a short run of
 * features/blog/bgp-sessions.feature.
 * It is skipped, with the reason, only when chromium cannot start at all.
 * Usage: node scripts/run.mjs scripts/browser-check.ts [REPORT_DIR]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { PROJECT_ROOT } from "../lab/project-root.js";

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const TIMEOUT_MS = 10_000;
const REPORT_NAME = "fabricspec: IP fabric acceptance";
/** How support/provisioning.ts names each switch's log. */
const PROVISIONING_LOG = ": provisioning.log";
/** What a fresh checkout runs to have a report to look at. */
const SHORT_RUN = "features/blog/bgp-sessions.feature";

const say = (message: string) => process.stdout.write(`browser-check: ${message}\n`);

interface AllureResult {
  uuid: string;
  name: string;
  status: string;
  labels: Array<{ name: string; value: string }>;
  steps?: AllureStep[];
}
interface AllureStep {
  name: string;
  attachments?: Array<{ name: string }>;
  steps?: AllureStep[];
}

/** Every attachment name of a result, at any depth. */
function attachmentNames(steps: readonly AllureStep[] = []): string[] {
  return steps.flatMap((s) => [...(s.attachments ?? []).map((a) => a.name), ...attachmentNames(s.steps)]);
}

/** A hook's container: its steps (with their attachments) and the results it ran for. */
interface AllureContainer {
  children: string[];
  befores?: AllureStep[];
  afters?: AllureStep[];
}

/**
 * The run's results, read from the directory the report was generated from, each with the names
 * of every attachment it shows: its steps' and its hooks' (which allure-cucumberjs keeps in containers).
 */
function results(dir: string): Array<AllureResult & { attachments: string[] }> {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir);
  const read = <T>(f: string) => JSON.parse(readFileSync(join(dir, f), "utf8")) as T;
  const hooks = new Map<string, string[]>();
  for (const c of files.filter((f) => f.endsWith("-container.json")).map((f) => read<AllureContainer>(f))) {
    const names = attachmentNames([...(c.befores ?? []), ...(c.afters ?? [])]);
    for (const child of c.children) hooks.set(child, [...(hooks.get(child) ?? []), ...names]);
  }
  return files
    .filter((f) => f.endsWith("-result.json"))
    .map((f) => read<AllureResult>(f))
    .map((r) => ({ ...r, attachments: [...(hooks.get(r.uuid) ?? []), ...attachmentNames(r.steps)] }));
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`browser-check: ${what}`);
  say(`ok: ${what}`);
}

/** Opens a scenario from the report's tree (grouped by feature: its group is opened first when collapsed). */
async function openScenario(page: Page, url: string, result: AllureResult): Promise<void> {
  await page.goto(url);
  const entry = page.getByText(result.name, { exact: true }).first();
  const feature = result.labels.find((l) => l.name === "feature")?.value;
  await page.getByText("Total", { exact: false }).first().waitFor();
  if (!(await entry.isVisible()) && feature) await page.getByText(feature, { exact: true }).first().click();
  await entry.click();
  await page.getByText("Test body").first().waitFor({ timeout: TIMEOUT_MS });
}

async function main(): Promise<number> {
  const reportDir = resolve(process.argv[2] ?? join(PROJECT_ROOT, "reports/allure-report"));
  const index = join(reportDir, "index.html");
  if (!existsSync(index) && process.argv[2] === undefined) {
    // A fresh checkout (CI runs check before test): a short run of the blog's sessions makes one,
    // so that the check always looks at a real report.
    say(`no report yet: making one with \`npm test -- ${SHORT_RUN}\``);
    const run = spawnSync(process.execPath, [join(PROJECT_ROOT, "scripts/run.mjs"), "scripts/acceptance.ts", SHORT_RUN], { cwd: PROJECT_ROOT, stdio: "inherit" });
    if (run.status === null) throw new Error(`the short run ended by ${run.signal}`);
  }
  if (!existsSync(index)) {
    say(`no report at ${index}: the run that should make it did not (see above)`);
    return 1;
  }
  const runResults = results(join(PROJECT_ROOT, "reports/allure-results"));
  const shots = join(PROJECT_ROOT, "reports/screenshots");
  // This run's screenshots only: a passing run must not leave a failed run's pictures behind.
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  const userDataDir = mkdtempSync(join(tmpdir(), "fabricspec-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 1800 }, timeout: 20_000 });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    const reason = existsSync(CHROMIUM) ? `chromium did not start: ${(error as Error).message.split("\n")[0]}` : `${CHROMIUM} is missing (node scripts/bootstrap.mjs --browser installs it)`;
    say(`SKIPPED: ${reason}`);
    return 0;
  }
  const started = performance.now();
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
    // A report opened from disk must fetch nothing from the network (scripts/report.mjs removes the analytics).
    const external: string[] = [];
    page.on("request", (r) => {
      if (!/^(file|data|blob|about):/.test(r.url())) external.push(r.url());
    });
    const url = pathToFileURL(index).href;

    await page.goto(url);
    await page.getByText(REPORT_NAME).first().waitFor();
    const body = await page.innerText("body");
    check(body.includes(REPORT_NAME), `the overview names the report "${REPORT_NAME}"`);
    if (runResults.length > 0) check(new RegExp(`Results\\s*${runResults.length}\\b`).test(body), `the overview counts ${runResults.length} results`);
    const globals = Number(/Global Attachments\s*(\d+)/.exec(body)?.[1] ?? 0);
    check(globals > 0, "the overview has global attachments (health and fabric picture)");
    await page.screenshot({ path: join(shots, "overview.png") });

    // The scenario the run's health matrix and picture are attached to.
    const first = runResults.find((r) => r.attachments.some((n) => n.startsWith("health ")));
    if (first) {
      await openScenario(page, url, first);
      const hook = page.getByText("health at a glance and the fabric picture, once per run").first();
      await hook.click();
      const health = first.attachments.find((n) => n.startsWith("health ")) as string;
      const picture = first.attachments.find((n) => n.startsWith("fabric ") && n.endsWith(".svg"));
      await page.getByText(health, { exact: true }).first().click();
      const frame = page.frameLocator("iframe[src^='blob:']").first();
      const verdict = await frame.locator("p.verdict").innerText();
      check(/^fabric: \d+\/\d+ sessions Established, \d+\/\d+ routes at expected ECMP width$/.test(verdict), `"${first.name}" shows the health matrix: ${verdict}`);
      check((await frame.locator("table.sessions td").count()) > 0 && (await frame.locator("table.routes td").count()) > 0, "the health attachment renders both matrices");
      if (picture) {
        await page.getByText(picture, { exact: true }).first().click();
        const img = page.locator("img[src^='blob:']").first();
        await img.waitFor();
        check((await img.evaluate((e) => (e as HTMLImageElement).naturalWidth)) > 0, `"${first.name}" shows the fabric picture (${picture})`);
      }
      await page.screenshot({ path: join(shots, "scenario-health-and-picture.png") });
    } else {
      check(false, "a scenario carries the health matrix (none of the run's results does)");
    }

    // A lab whose switches were provisioned (FABRICSPEC_PROVISION=ssh, Vagrant): each switch's
    // provisioning log on the first scenario (support/provisioning.ts), shown as text.
    const provisioned = runResults.find((r) => r.attachments.some((n) => n.endsWith(PROVISIONING_LOG)));
    if (provisioned) {
      const logs = provisioned.attachments.filter((n) => n.endsWith(PROVISIONING_LOG));
      await openScenario(page, url, provisioned);
      await page.getByText("what the provisioner did to each switch, once per run").first().click();
      const name = logs[logs.length - 1] as string;
      await page.getByText(name, { exact: true }).first().click();
      const switchName = name.slice(0, -PROVISIONING_LOG.length);
      const shown = page.getByText(new RegExp(`^${switchName}: (\\d+ of \\d+ steps changed|already provisioned)`)).first();
      await shown.waitFor();
      const head = (await shown.innerText()).split("\n")[0] ?? "";
      check(true, `"${provisioned.name}" shows ${logs.length} provisioning logs (${logs.join(", ")}); ${name} as text: ${head}`);
      await shown.evaluate((e) => e.scrollIntoView({ block: "start" }));
      await page.screenshot({ path: join(shots, "scenario-provisioning-log.png") });
      check(globals >= logs.length + 2, `the overview's global attachments (${globals}) hold the ${logs.length} provisioning logs besides the health page and the picture`);
    }

    // After a failed run: one headline per fault, and the highlighted picture on a failed step.
    const failed = runResults.filter((r) => r.status === "failed" || r.status === "broken");
    if (failed.length > 0) {
      await page.goto(`${url}#categories`);
      await page.getByText("Categories").first().waitFor();
      const causes = [...new Set(failed.map((r) => r.labels.find((l) => l.name === "cause")?.value).filter((c): c is string => c !== undefined))];
      for (const cause of causes) await page.getByText(cause, { exact: true }).first().waitFor();
      check(causes.length > 0, `the categories name the cause: ${causes.join(", ")} (${failed.length} failed scenarios)`);
      await page.screenshot({ path: join(shots, "categories.png") });
      // A session failure if there is one: its step carries the reason too.
      const pictured = failed.filter((r) => r.attachments.some((n) => n.startsWith("fabric after the failure")));
      const withPicture = pictured.find((r) => r.attachments.some((n) => /: why .* down\.txt$/.test(n))) ?? pictured[0];
      if (withPicture) {
        await openScenario(page, url, withPicture);
        const name = withPicture.attachments.find((n) => n.startsWith("fabric after the failure")) as string;
        const why = withPicture.attachments.find((n) => /: why .* down\.txt$/.test(n));
        if (why) await page.getByText(why, { exact: true }).first().click();
        await page.getByText(name, { exact: true }).first().click();
        const img = page.locator("img[src^='blob:']").first();
        await img.waitFor();
        // The reason in view, then the picture, for the screenshots.
        if (why) {
          await page.getByText(why, { exact: true }).first().evaluate((e) => e.scrollIntoView({ block: "start" }));
          await page.screenshot({ path: join(shots, "failed-scenario-reason.png") });
        }
        await page.getByText(name, { exact: true }).first().evaluate((e) => e.scrollIntoView({ block: "start" }));
        check(true, `"${withPicture.name}" shows the highlighted picture (${name})${why ? ` and ${why}` : ""}`);
        await page.screenshot({ path: join(shots, "failed-scenario-highlighted.png") });
      }
    }
    check(external.length === 0, `the report fetched nothing from the network${external.length ? `: ${external.join(", ")}` : ""}`);
    say(`screenshots in ${shots} (${((performance.now() - started) / 1000).toFixed(1)} s in the browser)`);
    return 0;
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
