/**
 * `fabricspec export containerlab FILE.clab.yml [--switch-image IMAGE] [--host-image IMAGE]
 * [--mgmt-subnet CIDR]`: the topology under test (FABRICSPEC_TOPOLOGY) as a containerlab lab.
 * Writes FILE, a folder next to it with each switch's frr.conf and daemons and the lab's SSH keys,
 * and FILE's inventory (NAME.inventory.yaml) for the inventory driver. Keys already there are kept,
 * so that a lab deployed from an earlier export still takes them.
 */
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { UsageError } from "../errors.js";
import { clabYaml, containerlabExport, DEFAULTS, inventoryYaml, SSH_FILES } from "../export/containerlab.js";
import { BLOG_TOPOLOGY, loadTopology } from "../topology/load.js";
import { runLocal } from "../transport/local.js";
import { EXIT, progress } from "./run-lab.js";
import { EXPORT_USAGE } from "./usage.js";

const OPTIONS = { "--switch-image": "switchImage", "--host-image": "hostImage", "--mgmt-subnet": "mgmtSubnet" } as const;

function parseArguments(args: readonly string[]): { file: string; options: Record<(typeof OPTIONS)[keyof typeof OPTIONS], string> } {
  const [target, file, ...rest] = args;
  if (target !== "containerlab") throw new UsageError(`export ${target ?? ""}: the only export is containerlab`, { hint: `fabricspec ${EXPORT_USAGE}` });
  if (file === undefined || !/\.clab\.ya?ml$/.test(file)) throw new UsageError(`export containerlab needs FILE.clab.yml (containerlab's name for a topology file), not ${file ?? "nothing"}`);
  const options: Record<string, string> = { ...DEFAULTS };
  for (let i = 0; i < rest.length; i += 2) {
    const flag = rest[i] ?? "";
    const value = rest[i + 1];
    const key = (OPTIONS as Record<string, string>)[flag];
    if (!key || value === undefined) throw new UsageError(`export containerlab: ${key ? `${flag} needs a value` : `unknown option "${flag}"`}`, { hint: `fabricspec ${EXPORT_USAGE}` });
    options[key] = value;
  }
  return { file, options: options as Record<(typeof OPTIONS)[keyof typeof OPTIONS], string> };
}

/** An ed25519 key pair made by ssh-keygen at `path` (and `path`.pub), unless one is there. */
async function keyPair(path: string, comment: string): Promise<string> {
  if (!existsSync(path) || !existsSync(`${path}.pub`)) {
    const made = await runLocal(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path]);
    if (made.exitCode !== 0) {
      throw new UsageError(`ssh-keygen could not make ${path}: ${(made.stderr || made.stdout).trim()}`, { hint: "install OpenSSH's client (apt-get install openssh-client)" });
    }
  }
  return readFileSync(`${path}.pub`, "utf8");
}

export async function exportCommand(args: readonly string[]): Promise<number> {
  const { file, options } = parseArguments(args);
  const topologyFile = process.env.FABRICSPEC_TOPOLOGY || BLOG_TOPOLOGY;
  const topology = loadTopology(topologyFile);
  // The file itself, not a link to it (the default topology is reached through dist/ when compiled).
  const topologyPath = realpathSync(topologyFile);
  const clabFile = resolve(file);
  const root = dirname(clabFile);
  const name = basename(clabFile).replace(/\.clab\.ya?ml$/, "");
  const inventoryFile = join(root, `${name}.inventory.yaml`);
  const at = (file: string) => join(root, name, file);
  mkdirSync(dirname(at(SSH_FILES.clientKey)), { recursive: true });
  const comment = `fabricspec containerlab lab ${topology.name}`;
  const clientKey = await keyPair(at(SSH_FILES.clientKey), comment);
  const hostKey = await keyPair(at(SSH_FILES.hostKey), `${comment} (host key)`);
  const result = containerlabExport(topology, {
    ...options,
    dir: name,
    ssh: { identityFile: at(SSH_FILES.clientKey), knownHostsFile: at(SSH_FILES.knownHosts), hostPublicKey: hostKey },
  });
  const files = new Map(result.files).set(`${name}/${SSH_FILES.authorizedKeys}`, clientKey);
  for (const [path, text] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  writeFileSync(clabFile, clabYaml(result, topologyPath));
  writeFileSync(inventoryFile, inventoryYaml(result, topologyPath, inventoryFile));
  const shown = (p: string) => relative(process.cwd(), p) || p;
  const topologyVariable = process.env.FABRICSPEC_TOPOLOGY ? `FABRICSPEC_TOPOLOGY=${process.env.FABRICSPEC_TOPOLOGY} ` : "";
  progress(
    `topology ${topology.name} written as a containerlab lab: ${shown(clabFile)}, ${shown(join(root, name))}/ (frr.conf and daemons of ${topology.switches.length} switches, SSH keys), ` +
      `and its inventory ${shown(inventoryFile)}.\n  deploy: containerlab deploy -t ${shown(clabFile)}\n  test:   ${topologyVariable}FABRICSPEC_DRIVER=inventory FABRICSPEC_INVENTORY=${shown(inventoryFile)} npm test`,
  );
  return EXIT.ok;
}
