import { test } from "node:test";
import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { loadTopology } from "../topology/load.js";
import { renderCalicoResources } from "./defaults.js";

const blog = loadTopology();

/** The IPPool CIDRs of rendered resources. */
const pools = (text: string): unknown[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as { kind?: string; spec?: { cidr?: string } })
    .filter((d) => d.kind === "IPPool")
    .map((d) => d.spec?.cidr);

test("the IPPool is the topology's pod network, in both modes", () => {
  for (const mode of ["peering", "overlay"] as const) {
    assert.deepEqual(pools(renderCalicoResources(blog, mode)), ["192.168.0.0/16"], mode);
    assert.deepEqual(pools(renderCalicoResources({ ...blog, podNetwork: "100.64.0.0/16" }, mode)), ["100.64.0.0/16"], mode);
  }
});
