import { test } from "node:test";
import assert from "node:assert/strict";
import { loadTopology } from "../../topology/load.js";
import { vagrantBoxes, vagrantSwitchImage } from "./settings.js";

const blog = loadTopology();

test("the boxes preflight asks for: ubuntu/jammy64 on VirtualBox, a box built for libvirt on libvirt (desk review item 5)", () => {
  assert.deepEqual(vagrantBoxes(blog, {}), ["CumulusCommunity/cumulus-vx", "ubuntu/jammy64"]);
  assert.deepEqual(vagrantBoxes(blog, { VAGRANT_DEFAULT_PROVIDER: "libvirt" }), ["CumulusCommunity/cumulus-vx", "generic/ubuntu2204"]);
  assert.deepEqual(vagrantBoxes(blog, { VAGRANT_DEFAULT_PROVIDER: "libvirt", FABRICSPEC_HOST_BOX: "my/box" }), ["CumulusCommunity/cumulus-vx", "my/box"]);
  assert.equal(vagrantSwitchImage(blog, {}), "cumulus");
  assert.equal(vagrantSwitchImage(blog, { FABRICSPEC_SWITCH_IMAGE: "frr" }), "frr");
});
