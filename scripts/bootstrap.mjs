#!/usr/bin/env node
/**
 * Makes a fresh clone runnable; the first thing `npm test` and `npm run check` run. Node builtins
 * only: it runs before node_modules exists. Silent when everything is present.
 *
 * Usage: node scripts/bootstrap.mjs [--deb] [--kubernetes] [--vagrant] [--browser]
 *   always  npm packages: `npm ci` when node_modules is missing or older than package-lock.json
 *   --deb   Debian packages the lab needs (frr, iproute2, iputils-ping, traceroute; openssh-server
 *           and netcat-openbsd for FABRICSPEC_TRANSPORT=ssh), checked by their binaries; installed
 *           with apt-get when root, else the command is printed. procps (sysctl) and BIRD 1.6
 *           (Debian's `bird` package, downloaded and unpacked into /var/cache/fabricspec, not
 *           installed) run Calico's data plane on the embedded lab.
 *   --kubernetes  the Kubernetes components the embedded lab runs (etcd, kube-apiserver,
 *           kube-controller-manager, kube-scheduler, kubelet, kubectl), built once per machine by
 *           scripts/build-kubernetes.sh from the pinned versions in lab/kubernetes/release.json into
 *           /var/cache/fabricspec/kubernetes/ (about 10 min on 2 cores, at nice 19, with progress;
 *           nothing when built). Without a Go toolchain it says so and goes on: the Kubernetes
 *           scenarios are then skipped, with that reason. Only for the netns driver.
 *   --vagrant vagrant and vagrant-libvirt, for `npm run check`'s `vagrant validate` of
 *           lab/vagrant/Vagrantfile (no VM is started).
 *   --browser Debian's chromium, for `npm run check`'s real-browser check of the Allure report
 *           (scripts/browser-check.ts drives it with playwright-core; no browser is downloaded).
 *           Skipped with FABRICSPEC_DRIVER=inventory: the lab's own nodes run every command.
 * Installing frr or openssh-server must not leave FRR or sshd running in the root namespace (the
 * lab runs its own, one per namespace): service starts are refused during the install, and a
 * service the install started anyway is stopped. (frr.service and ssh.service stay enabled at
 * boot, the Debian default.)
 * apt-get's output is folded into one line per package set (what was installed, how long it
 * took); all of it is printed only when apt-get fails, so that a first run's summary stays in view.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { performance } from "node:perf_hooks";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const say = (message) => console.log(`bootstrap: ${message}`);
const run = (command, args, env = process.env) =>
  spawnSync(command, args, { cwd: root, stdio: "inherit", env });
/** apt-get, its output kept and printed only when it fails: one line per package set otherwise. */
function apt(args, env = process.env, cwd = root) {
  const started = performance.now();
  const result = spawnSync("apt-get", args, { cwd, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.status !== 0) {
    process.stderr.write(output);
    return result;
  }
  // "N upgraded, M newly installed, ..." (install) or the number of files fetched (update, download).
  const summary = /^\d+ upgraded, \d+ newly installed.*$/m.exec(output)?.[0] ?? /^Fetched .*$/m.exec(output)?.[0] ?? "nothing to do";
  say(`apt-get ${args.filter((a) => !a.startsWith("-")).join(" ")}: ${summary} (${seconds} s)`);
  return result;
}
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
  fping: ["fping"],
  traceroute: ["traceroute"],
  "openssh-server": ["/usr/sbin/sshd"],
  "netcat-openbsd": ["nc.openbsd"],
  procps: ["/usr/sbin/sysctl"],
  openssl: ["/usr/bin/openssl"],
  // A kubelet's container runtime on every Kubernetes node of the embedded lab, one per node's namespace.
  containerd: ["/usr/bin/containerd"],
  runc: ["/usr/sbin/runc"],
  // The pods' network on the embedded lab (ptp veths, host-local addresses; loopback for every pod),
  // and the compiler of the pods' pause (lab/kubernetes/images.ts).
  "containernetworking-plugins": ["/usr/lib/cni/ptp", "/usr/lib/cni/host-local", "/usr/lib/cni/loopback"],
  gcc: ["/usr/bin/gcc"],
  "libc6-dev": ["/usr/lib/x86_64-linux-gnu/libc.a"],
};

/**
 * Debian packages unpacked into the machine's cache, never installed: BIRD 1.6 (Debian 12's `bird`
 * 1.6.8, the line calico-node's BIRD is forked from) runs the embedded lab's Calico nodes, and its
 * package conflicts with bird2's. lab/kinds/calico-node.ts runs it from here (BIRD_HOME).
 */
const UNPACKED = {
  bird: { dir: "/var/cache/fabricspec/bird-1.6", files: ["usr/sbin/bird", "usr/sbin/birdc"], version: /^BIRD version 1\.6\./ },
  // Debian 12's static BusyBox: the embedded lab's test pods run it (lab/kubernetes/images.ts); the
  // package would replace the machine's own busybox. It says its version when run without arguments.
  "busybox-static": { dir: "/var/cache/fabricspec/busybox-static", files: ["bin/busybox"], version: /^BusyBox v1\.35\./, versionArgs: [] },
};

/** For `npm run check` only: the real `vagrant validate` of the Vagrantfile, libvirt settings included. */
const VAGRANT = {
  vagrant: ["vagrant"],
  "vagrant-libvirt": ["/usr/share/doc/vagrant-libvirt"],
};

/** For `npm run check` only: the browser that opens the generated report (scripts/browser-check.ts). */
const BROWSER = {
  chromium: ["/usr/bin/chromium"],
};

/** Packages whose install may start a service in the root namespace: its unit, and its processes' command line. */
const SERVICES = {
  frr: { unit: "frr", program: /^\/usr\/lib\/frr\// },
  "openssh-server": { unit: "ssh", program: /^(\/usr\/sbin\/)?sshd\b/ },
  containerd: { unit: "containerd", program: /^\/usr\/bin\/containerd(\s|$)/ },
};

/** PIDs of a service's processes in this (the root) network namespace; lab daemons live in other ones. */
function rootNamespacePids(service) {
  const ownNetns = readlinkSync("/proc/self/ns/net");
  return readdirSync("/proc").filter((pid) => {
    try {
      return (
        /^\d+$/.test(pid) &&
        service.program.test(readFileSync(`/proc/${pid}/cmdline`, "utf8")) &&
        readlinkSync(`/proc/${pid}/ns/net`) === ownNetns
      );
    } catch {
      return false; // the process ended meanwhile, or is not ours to read
    }
  });
}

const systemd = existsSync("/run/systemd/system");
const serviceActive = (service) =>
  (systemd && quiet("systemctl", ["is-active", "--quiet", service.unit])) || rootNamespacePids(service).length > 0;

function debianPackages(table = DEBIAN) {
  const missing = Object.keys(table).filter((pkg) =>
    table[pkg].some((file) => (file.startsWith("/") ? !existsSync(file) : !which(file))),
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
  const services = missing.filter((pkg) => SERVICES[pkg]).map((pkg) => SERVICES[pkg]);
  const wasActive = new Set(services.filter(serviceActive));
  const ignore = () => {}; // on Ctrl-C, apt-get gets the signal; we still clean up below
  process.on("SIGINT", ignore).on("SIGTERM", ignore);
  let result;
  try {
    if (ownPolicy) writeFileSync(policy, "#!/bin/sh\n# fabricspec bootstrap: no service starts during install\nexit 101\n", { mode: 0o755 });
    result = apt(["update", "-q"]);
    if (result.status === 0) result = apt(install.slice(1), { ...process.env, DEBIAN_FRONTEND: "noninteractive" });
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
    process.off("SIGINT", ignore).off("SIGTERM", ignore);
  }
  for (const service of services) {
    if (!wasActive.has(service) && serviceActive(service)) {
      say(`stopping the ${service.unit} service the install started in the root namespace…`);
      if (systemd) quiet("systemctl", ["stop", service.unit]);
      else quiet("service", [service.unit, "stop"]);
      if (serviceActive(service)) fail(`${service.unit} still runs in the root namespace (pids ${rootNamespacePids(service).join(" ")}): stop it`);
    }
  }
  if (result.status !== 0) fail(`apt-get failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`);
}

/** Downloads each package of `table` that is not unpacked yet and unpacks it into its directory. */
function unpackedPackages(table = UNPACKED) {
  const missing = Object.keys(table).filter((pkg) => table[pkg].files.some((file) => !existsSync(join(table[pkg].dir, file))));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0 || !which("apt-get")) {
    fail(`missing ${missing.map((pkg) => `${pkg} in ${table[pkg].dir}`).join(", ")}: run this as root (it downloads the Debian packages with apt-get download and unpacks them with dpkg-deb -x)`);
  }
  say(`unpacking Debian packages into the cache (${missing.map((pkg) => `${pkg} -> ${table[pkg].dir}`).join(", ")})…`);
  const scratch = mkdtempSync(join(tmpdir(), "fabricspec-deb-"));
  try {
    // apt-get download writes into its working directory as the _apt user, where it can.
    chmodSync(scratch, 0o777);
    let result = apt(["download", "-q", ...missing], process.env, scratch);
    if (result.status !== 0) {
      apt(["update", "-q"]);
      result = apt(["download", "-q", ...missing], process.env, scratch);
    }
    if (result.status !== 0) fail(`apt-get download ${missing.join(" ")} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`);
    for (const pkg of missing) {
      const deb = readdirSync(scratch).find((f) => f.startsWith(`${pkg}_`) && f.endsWith(".deb"));
      if (!deb) fail(`apt-get download ${pkg} left no ${pkg}_*.deb`);
      const { dir, files, version, versionArgs = ["--version"] } = table[pkg];
      const partial = `${dir}.partial`;
      rmSync(partial, { recursive: true, force: true });
      mkdirSync(partial, { recursive: true });
      const unpack = spawnSync("dpkg-deb", ["-x", join(scratch, deb), partial], { stdio: "inherit" });
      if (unpack.status !== 0) fail(`dpkg-deb -x ${deb} failed (exit ${unpack.status ?? unpack.signal})`);
      const printed = spawnSync(join(partial, files[0]), versionArgs, { encoding: "utf8" });
      const said = `${printed.stdout ?? ""}${printed.stderr ?? ""}`.trim();
      if (!version.test(said)) fail(`${deb}: ${[files[0], ...versionArgs].join(" ")} says "${said.split("\n")[0]}", not ${version}`);
      rmSync(dir, { recursive: true, force: true });
      renameSync(partial, dir);
      say(`${deb} unpacked into ${dir} (${said.split("\n")[0]})`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Builds the Kubernetes components when they are not in the machine's cache (scripts/build-kubernetes.sh says how long). */
function kubernetes() {
  const script = join(root, "scripts/build-kubernetes.sh");
  if (spawnSync("bash", [script, "--print-dir"], { stdio: "ignore" }).status === 0) return;
  if (!existsSync("/usr/local/go/bin/go") && !which("go")) {
    say("no Go toolchain: the Kubernetes components are not built, and the Kubernetes scenarios will be skipped (scripts/build-kubernetes.sh builds them where Go is installed)");
    return;
  }
  const started = performance.now();
  const build = run("bash", [script]);
  if (build.status !== 0) fail(`scripts/build-kubernetes.sh failed (exit ${build.status ?? build.signal}) after ${((performance.now() - started) / 60_000).toFixed(1)} min`);
}

npmPackages();
// The inventory driver runs every command on the lab's own nodes, over SSH: nothing to install here.
if (process.argv.includes("--deb") && process.env.FABRICSPEC_DRIVER !== "inventory") {
  debianPackages();
  unpackedPackages();
}
if (process.argv.includes("--kubernetes") && (process.env.FABRICSPEC_DRIVER || "netns") === "netns") kubernetes();
if (process.argv.includes("--vagrant")) debianPackages(VAGRANT);
if (process.argv.includes("--browser")) debianPackages(BROWSER);
