import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ensureBuilt, ROOT } from "./build.mjs";

/** A small project in a temporary folder, with this repository's tsconfig.json. */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "fabricspec-build-"));
  copyFileSync(join(ROOT, "tsconfig.json"), join(root, "tsconfig.json"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const FILES = {
  "lab/a.ts": 'import { fail } from "./b.js";\nimport type { Shape } from "./b.js";\nexport const shape: Shape = { sides: 3 };\nexport function go(): never {\n  return fail();\n}\n',
  "lab/b.ts": "export interface Shape {\n  sides: number;\n}\n\nexport function fail(): never {\n  throw new Error(\"from b\");\n}\n",
  "lab/a.test.ts": "export {};\n",
  "lab/data/blog.yaml": "name: blog\n",
  "lab/mixed/c.ts": 'export const c = "c";\n',
  "lab/mixed/c.json": "{}\n",
};

test("compiles every source but tests, links the rest, and maps back to the .ts files", () => {
  const root = project(FILES);
  try {
    assert.equal(ensureBuilt({ root }).compiled, 3);
    assert.ok(existsSync(join(root, "dist/lab/a.js")) && existsSync(join(root, "dist/lab/mixed/c.js")));
    assert.ok(!existsSync(join(root, "dist/lab/a.test.js")));
    // A folder without code is one link; data next to code is linked file by file.
    assert.ok(lstatSync(join(root, "dist/lab/data")).isSymbolicLink());
    assert.ok(lstatSync(join(root, "dist/lab/mixed/c.json")).isSymbolicLink());
    assert.equal(readFileSync(join(root, "dist/lab/data/blog.yaml"), "utf8"), "name: blog\n");
    assert.deepEqual(JSON.parse(readFileSync(join(root, "dist/lab/a.js.map"), "utf8")).sources, ["../../lab/a.ts"]);
    // The type-only import is gone, the value import stays: isolatedModules' contract.
    assert.match(readFileSync(join(root, "dist/lab/a.js"), "utf8"), /^import \{ fail \} from "\.\/b\.js";$/m);
    // With source maps on, a stack trace names the source line.
    const run = spawnSync(process.execPath, ["--enable-source-maps", "--input-type=module", "-e", `import { go } from ${JSON.stringify(join(root, "dist/lab/a.js"))}; try { go(); } catch (e) { console.log(e.stack); }`], { encoding: "utf8" });
    assert.match(run.stdout, /lab\/b\.ts:6:9/, run.stdout + run.stderr);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("rebuilds nothing when nothing changed, one file when one did, and prunes what went", () => {
  const root = project(FILES);
  try {
    ensureBuilt({ root });
    assert.equal(ensureBuilt({ root }).compiled, 0);
    writeFileSync(join(root, "lab/b.ts"), `${FILES["lab/b.ts"]}export const more = 1;\n`);
    assert.equal(ensureBuilt({ root }).compiled, 1);
    assert.match(readFileSync(join(root, "dist/lab/b.js"), "utf8"), /more = 1/);
    rmSync(join(root, "lab/mixed/c.ts"));
    ensureBuilt({ root });
    assert.ok(!existsSync(join(root, "dist/lab/mixed/c.js")));
    // lab/mixed has no code left: it becomes one link to the source folder.
    assert.ok(lstatSync(join(root, "dist/lab/mixed")).isSymbolicLink());
    writeFileSync(join(root, "lab/data/new.yaml"), "x: 1\n");
    assert.equal(ensureBuilt({ root }).compiled, 0, "data is linked: no compile");
    assert.equal(ensureBuilt({ root, force: true }).compiled, 2);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
