import { test } from "node:test";
import assert from "node:assert/strict";
import { birdVersion, formatProperties, frrVersion, iproute2Version } from "./environment.js";

test("versions are read from the tools' own output (as printed here: FRR 8.4.4, iproute2 6.1.0, BIRD 2.0.12)", () => {
  assert.equal(frrVersion("\nFRRouting 8.4.4 (leaf1) on Linux(6.1.0-27-amd64).\nCopyright 1996-2005, Kunihiro Ishiguro, et al.\n"), "8.4.4");
  assert.equal(iproute2Version("ip utility, iproute2-6.1.0, libbpf 1.1.2\n"), "6.1.0");
  assert.equal(birdVersion("BIRD version 2.0.12\n"), "2.0.12");
  assert.equal(frrVersion("vtysh: command not found"), undefined);
});

test("environment.properties: one key=value a line, separators escaped", () => {
  assert.equal(formatProperties({ FRR: "8.4.4", topology: "blog (lab/topologies/blog.yaml)", "a b": "x=y" }), "FRR=8.4.4\ntopology=blog (lab/topologies/blog.yaml)\na\\ b=x\\=y\n");
});
