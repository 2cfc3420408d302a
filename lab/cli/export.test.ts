import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { loadInventory } from "../drivers/inventory/inventory.js";
import { BLOG_TOPOLOGY, loadTopology } from "../topology/load.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const hasKeygen = spawnSync("ssh-keygen", ["-?"], { stdio: "ignore" }).error === undefined;

/** `fabricspec export ...` as a person runs it, in `cwd`, through tsx (the unit tests' way). */
function fabricspec(cwd: string, ...args: string[]) {
  const run = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), join(ROOT, "lab/cli/fabricspec.ts"), ...args], { cwd, encoding: "utf8", env: { ...process.env, FABRICSPEC_TOPOLOGY: BLOG_TOPOLOGY } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

test("export containerlab writes the lab, its FRR files and keys, and an inventory the driver loads; keys survive a re-export", { skip: !hasKeygen && "no ssh-keygen here" }, () => {
  const dir = mkdtempSync(join(tmpdir(), "fabricspec-export-"));
  try {
    const first = fabricspec(dir, "export", "containerlab", "blog.clab.yml");
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /deploy: containerlab deploy -t blog\.clab\.yml/);
    const clab = parse(readFileSync(join(dir, "blog.clab.yml"), "utf8")) as { name: string; topology: { nodes: Record<string, { binds: string[] }> } };
    assert.equal(clab.name, "blog");
    for (const node of Object.values(clab.topology.nodes)) for (const bind of node.binds) assert.ok(existsSync(join(dir, bind.split(":")[0] ?? "")), bind);
    assert.equal(statSync(join(dir, "blog/ssh/id_ed25519")).mode & 0o077, 0, "the private key is the owner's only");
    assert.equal(readFileSync(join(dir, "blog/ssh/authorized_keys"), "utf8"), readFileSync(join(dir, "blog/ssh/id_ed25519.pub"), "utf8"));
    const inventory = loadInventory(join(dir, "blog.inventory.yaml"), loadTopology());
    assert.equal(inventory.nodes.get("leaf1")?.endpoint.identityFile, join(dir, "blog/ssh/id_ed25519"));
    const hostKey = readFileSync(join(dir, "blog/ssh/ssh_host_ed25519_key.pub"), "utf8");
    assert.equal(fabricspec(dir, "export", "containerlab", "blog.clab.yml").code, 0);
    assert.equal(readFileSync(join(dir, "blog/ssh/ssh_host_ed25519_key.pub"), "utf8"), hostKey);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("export: bad arguments are usage errors (exit 2) that say what is wrong", () => {
  const dir = mkdtempSync(join(tmpdir(), "fabricspec-export-"));
  try {
    const cases: [string[], RegExp][] = [
      [["export", "netlab", "x.yml"], /the only export is containerlab/],
      [["export", "containerlab", "blog.yml"], /needs FILE\.clab\.yml/],
      [["export", "containerlab", "b.clab.yml", "--image", "x"], /unknown option "--image"/],
      [["export", "containerlab", "b.clab.yml", "--mgmt-subnet"], /--mgmt-subnet needs a value/],
    ];
    for (const [args, message] of cases) {
      const run = fabricspec(dir, ...args);
      assert.equal(run.code, 2, args.join(" "));
      assert.match(run.stderr, message);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
