#!/usr/bin/env node
/**
 * Makes a fresh clone runnable; the first thing `npm test` and `npm run check` run. Node builtins
 * only: it runs before node_modules exists. Silent when everything is present.
 *
 * Usage: node scripts/bootstrap.mjs [--deb]
 *   always  npm packages: `npm ci` when node_modules is missing or older than package-lock.json
 *   --deb   Debian packages the lab needs (frr, iproute2, iputils-ping, traceroute), checked by
 *           their binaries; installed with apt-get when root, else the command is printed.
 * Installing frr must not leave FRR running in the root namespace (the lab runs its own daemons,
 * one set per namespace): service starts are refused during the install, and a service the install
 * started anyway is stopped. (frr.service stays enabled at boot, the Debian default.)
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readlinkSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const say = (message) => console.log(`bootstrap: ${message}`);
const run = (command, args, env = process.env) =>
  spawnSync(command, args, { cwd: root, stdio: "inherit", env });
const quiet = (command, args) => spawnSync(command, args, { stdio: "ignore" }).status === 0;

function fail(message) {
  console.error(`bootstrap: ${message}`);
  process.exit(1);
}

/** The first `name` on PATH or in the sbin directories (not on a non-root PATH), or undefined. */
function which(name) {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/local/sbin", "/usr/sbin", "/sbin"];
  return dirs.filter((dir) => dir !== "").map((dir) => join(dir, name)).find((path) => existsSync(path));
}

function npmPackages() {
  const stamp = join(root, "node_modules/.package-lock.json"); // written by npm at the end of an install
  const lock = join(root, "package-lock.json");
  if (existsSync(stamp) && (!existsSync(lock) || statSync(lock).mtimeMs <= statSync(stamp).mtimeMs)) return;
  say("installing npm packages (npm ci)…");
  const npm = run("npm", ["ci"]);
  if (npm.status !== 0) fail(`npm ci failed (${npm.error?.message ?? `exit ${npm.status ?? npm.signal}`})`);
}

/** Debian package -> the files that prove it is installed (a bare name is looked up on PATH). */
const DEBIAN = {
  frr: ["/usr/lib/frr/zebra", "/usr/lib/frr/bgpd", "/usr/lib/frr/staticd", "vtysh"],
  iproute2: ["ip"],
  "iputils-ping": ["ping"],
  traceroute: ["traceroute"],
};

/** PIDs of FRR daemons in this (the root) network namespace; lab daemons live in other ones. */
function rootNamespaceFrr() {
  const ownNetns = readlinkSync("/proc/self/ns/net");
  return readdirSync("/proc").filter((pid) => {
    try {
      return (
        /^\d+$/.test(pid) &&
        readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("/usr/lib/frr/") &&
        readlinkSync(`/proc/${pid}/ns/net`) === ownNetns
      );
    } catch {
      return false; // the process ended meanwhile, or is not ours to read
    }
  });
}

const systemd = existsSync("/run/systemd/system");
const frrActive = () => (systemd && quiet("systemctl", ["is-active", "--quiet", "frr"])) || rootNamespaceFrr().length > 0;

function debianPackages() {
  const missing = Object.keys(DEBIAN).filter((pkg) =>
    DEBIAN[pkg].some((file) => (file.startsWith("/") ? !existsSync(file) : !which(file))),
  );
  if (missing.length === 0) return;
  const install = ["apt-get", "install", "-y", "--no-install-recommends", ...missing];
  if (process.getuid?.() !== 0 || !which("apt-get")) {
    fail(
      `missing Debian packages: ${missing.join(", ")}. Install them with:\n` +
        `  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive ${install.join(" ")}`,
    );
  }
  say(`installing Debian packages (${missing.join(" ")})…`);
  // A policy-rc.d that exits 101 makes the maintainer scripts skip every service start.
  const policy = "/usr/sbin/policy-rc.d";
  const ownPolicy = !existsSync(policy);
  const wasActive = frrActive();
  const ignore = () => {}; // on Ctrl-C, apt-get gets the signal; we still clean up below
  process.on("SIGINT", ignore).on("SIGTERM", ignore);
  let result;
  try {
    if (ownPolicy) writeFileSync(policy, "#!/bin/sh\n# fabricspec bootstrap: no service starts during install\nexit 101\n", { mode: 0o755 });
    result = run("apt-get", ["update", "-q"]);
    if (result.status === 0) result = run(install[0], install.slice(1), { ...process.env, DEBIAN_FRONTEND: "noninteractive" });
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
    process.off("SIGINT", ignore).off("SIGTERM", ignore);
  }
  if (missing.includes("frr")) {
    if (!wasActive && frrActive()) {
      say("stopping the frr service the install started in the root namespace…");
      if (systemd) quiet("systemctl", ["stop", "frr"]);
      else quiet("service", ["frr", "stop"]);
      if (frrActive()) fail(`FRR still runs in the root namespace (pids ${rootNamespaceFrr().join(" ")}): stop it`);
    }
  }
  if (result.status !== 0) fail(`apt-get failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`);
}

npmPackages();
if (process.argv.includes("--deb")) debianPackages();
