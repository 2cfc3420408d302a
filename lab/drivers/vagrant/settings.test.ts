import { test } from "node:test";
import assert from "node:assert/strict";
import { loadTopology } from "../../topology/load.js";
import { vagrantBoxes, vagrantSwitchFrr, vagrantSwitchImage } from "./settings.js";

const blog = loadTopology();

test("the boxes preflight asks for: ubuntu/jammy64 on VirtualBox, a box built for libvirt on libvirt (desk review item 5)", () => {
  assert.deepEqual(vagrantBoxes(blog, {}), ["CumulusCommunity/cumulus-vx", "ubuntu/jammy64"]);
  assert.deepEqual(vagrantBoxes(blog, { VAGRANT_DEFAULT_PROVIDER: "libvirt" }), ["CumulusCommunity/cumulus-vx", "generic/ubuntu2204"]);
  assert.deepEqual(vagrantBoxes(blog, { VAGRANT_DEFAULT_PROVIDER: "libvirt", FABRICSPEC_HOST_BOX: "my/box" }), ["CumulusCommunity/cumulus-vx", "my/box"]);
  assert.equal(vagrantSwitchImage(blog, {}), "cumulus");
  assert.equal(vagrantSwitchImage(blog, { FABRICSPEC_SWITCH_IMAGE: "frr" }), "frr");
});

test("each switch image's FRR release: Cumulus VX 3.7's 4.0 (no kernel nexthop command), Debian bookworm's 8.4", () => {
  assert.deepEqual(vagrantSwitchFrr(blog, {}), { name: "4.0", kernelNexthopCommand: false });
  assert.deepEqual(vagrantSwitchFrr(blog, { FABRICSPEC_SWITCH_IMAGE: "frr" }), { name: "8.4", kernelNexthopCommand: true });
});
