/** What the embedded lab needs of this machine, each with its fix: root, the programs the kinds run, the user frr, the kernel. */
import { accessSync, constants } from "node:fs";
import { LabError } from "../../errors.js";
import { FRR_INSTALL, FRR_PROGRAMS, frrUser } from "../../kinds/frr.js";
import { aptInstall } from "../../packages.js";
import { describeFailedChecks, type PreflightCheck } from "../driver.js";
import { IP, kernelCheck } from "./namespaces.js";

/** Every program runs on this machine: the lab's own tool, the switches' FRR, the probes' ping, fping and traceroute. */
const PROGRAMS: ReadonlyArray<{ readonly name: string; readonly path: string }> = [
  { name: "ip", path: IP },
  ...FRR_PROGRAMS,
  { name: "ping", path: "/usr/bin/ping" },
  { name: "fping", path: "/usr/bin/fping" },
  { name: "traceroute", path: "/usr/bin/traceroute" },
];

export async function netnsPreflight(): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [];
  const isRoot = process.getuid?.() === 0;
  checks.push({
    name: "root",
    ok: isRoot,
    detail: isRoot ? "running as root" : "the embedded lab creates network namespaces, which needs root",
    fix: "run as root (sudo -E npm test)",
  });
  for (const { name, path } of PROGRAMS) {
    const ok = executable(path);
    checks.push({ name, ok, detail: ok ? path : `${path} not found`, fix: aptInstall([name]) });
  }
  const frr = frrUser();
  checks.push({
    name: "frr user",
    ok: frr !== undefined,
    detail: frr ? `uid ${frr.uid}` : "no user frr (the frr package creates it)",
    fix: FRR_INSTALL,
  });
  if (isRoot && executable(IP)) checks.push(await kernelCheck());
  return checks;
}

/** Throws, listing every failed check with its fix, unless the machine can run the lab. */
export async function requireNetnsPreflight(): Promise<void> {
  const failed = (await netnsPreflight()).filter((c) => !c.ok);
  if (failed.length > 0) throw new LabError(`the netns lab cannot start:\n${describeFailedChecks(failed)}`);
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
