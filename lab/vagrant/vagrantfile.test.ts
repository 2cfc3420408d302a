/**
 * The Vagrantfile passes the real `vagrant validate` for every topology (Debian's vagrant package;
 * `npm run check` installs it, with the vagrant-libvirt plugin, so that the libvirt provider's
 * settings are validated too; VirtualBox cannot be installed here, so its settings are checked with
 * --ignore-provider). Without vagrant the test is skipped, and says so.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { runLocal } from "../transport/local.js";
import { VAGRANT_DIR } from "../drivers/vagrant/vagrant-driver.js";

const vagrant = await runLocal(["vagrant", "--version"]);
const skip = vagrant.exitCode === 0 ? false : "vagrant is not installed (apt-get install -y vagrant vagrant-libvirt; npm run check installs them)";

async function validate(topology: string, provider: string, extra: string[] = []) {
  const { execa } = await import("execa");
  return execa("vagrant", ["validate", ...extra], {
    cwd: VAGRANT_DIR,
    env: { FABRICSPEC_TOPOLOGY: resolve(topology), VAGRANT_DEFAULT_PROVIDER: provider },
    reject: false,
  });
}

for (const topology of ["lab/topologies/blog.yaml", "lab/topologies/wide.yaml"]) {
  test(`vagrant validate: ${topology}, libvirt`, { skip }, async () => {
    const plugins = await runLocal(["vagrant", "plugin", "list"]);
    if (!plugins.stdout.includes("vagrant-libvirt")) return; // validated below without provider settings
    const result = await validate(topology, "libvirt");
    assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(String(result.stdout), /Vagrantfile validated successfully\./);
  });
  test(`vagrant validate --ignore-provider: ${topology}, virtualbox`, { skip }, async () => {
    const result = await validate(topology, "virtualbox", ["--ignore-provider"]);
    assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(String(result.stdout), /Vagrantfile validated successfully\./);
  });
}

test("the Vagrantfile refuses an unknown switch image, naming the supported ones", { skip }, async () => {
  const { execa } = await import("execa");
  const result = await execa("vagrant", ["validate"], { cwd: VAGRANT_DIR, env: { FABRICSPEC_SWITCH_IMAGE: "eos" }, reject: false });
  assert.notEqual(result.exitCode, 0);
  assert.match(`${result.stdout}${result.stderr}`, /FABRICSPEC_SWITCH_IMAGE=eos is not supported\. Supported images are: cumulus, frr/);
});
