/**
 * What ran, for Allure's environment (reports/allure-results/environment.properties): the FRR,
 * BIRD, kernel and iproute2 versions as one of the lab's own switches reports them, the driver,
 * transport, topology and the commit. A version that cannot be read says so; it never breaks a run.
 */
import { execFileSync } from "node:child_process";
import { relative } from "node:path";
import type { LabDriver } from "../drivers/driver.js";
import { BIRD } from "../kinds/calico-node.js";
import type { CommandRunner } from "../transport/runner.js";

/** Parsers of each command's output, exported for the unit tests. */
export const frrVersion = (out: string): string | undefined => /FRRouting (\S+)/.exec(out)?.[1];
export const iproute2Version = (out: string): string | undefined => /iproute2-(\S+?),?\s/.exec(`${out} `)?.[1];
export const birdVersion = (out: string): string | undefined => /BIRD version (\S+)/.exec(out)?.[1];

async function ask(runner: CommandRunner, argv: string[], parse: (out: string) => string | undefined): Promise<string> {
  try {
    const r = await runner.run(argv, { timeoutMs: 10_000 });
    const out = `${r.stdout}\n${r.stderr}`;
    // bird --version prints on stderr, and BIRD 1.6 exits non-zero after it.
    return (r.exitCode === 0 || argv[1] === "--version" ? parse(out) : undefined) ?? `unknown (\`${argv.join(" ")}\` exit ${r.exitCode})`;
  } catch (error) {
    return `unknown (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`;
  }
}

/** The commit under test: short hash, "+changes" when the work tree differs from it. */
export function commitOf(dir: string): string {
  try {
    const hash = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return dirty ? `${hash}+changes` : hash;
  } catch {
    return "unknown (not a git checkout)";
  }
}

/** The run's environment, read from the lab's first switch. */
export async function runEnvironment(driver: LabDriver, projectDir: string): Promise<Record<string, string>> {
  const first = driver.topology.switches[0];
  const env: Record<string, string> = {};
  if (first) {
    const runner = driver.runner(first.name);
    // BIRD is the Calico nodes': the embedded lab's BIRD 1.6 (on a VM it runs inside calico-node).
    const node = driver.topology.hosts[0];
    const [frr, kernel, iproute2, bird] = await Promise.all([
      ask(runner, ["vtysh", "-c", "show version"], frrVersion),
      ask(runner, ["uname", "-r"], (out) => out.trim().split("\n")[0] || undefined),
      ask(runner, ["ip", "-V"], iproute2Version),
      node ? ask(driver.runner(node.name), [BIRD, "--version"], birdVersion) : Promise.resolve("none (no Kubernetes node)"),
    ]);
    Object.assign(env, { FRR: frr, BIRD: bird, kernel, iproute2 });
    env["versions.from"] = first.name;
  }
  env.driver = driver.name;
  env.transport = process.env.FABRICSPEC_TRANSPORT ?? "default";
  env.topology = `${driver.topology.name} (${relative(projectDir, driver.topology.source).replace(/^dist\//, "")})`;
  env.commit = commitOf(projectDir);
  return env;
}

/** Java properties text, as Allure reads environment.properties. */
export function formatProperties(env: Readonly<Record<string, string>>): string {
  const escape = (s: string, key: boolean) =>
    s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(key ? /[=: ]/g : /[=:]/g, (c) => `\\${c}`);
  return Object.entries(env).map(([k, v]) => `${escape(k, true)}=${escape(v, false)}`).join("\n") + "\n";
}
