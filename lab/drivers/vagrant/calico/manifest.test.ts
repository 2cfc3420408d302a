import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { LabError } from "../../../errors.js";
import { loadTopology } from "../../../topology/load.js";
import { calicoNodeEnv, withCalicoNodeEnv, type EnvVar } from "./manifest.js";

// projectcalico/calico manifests/calico.yaml at v3.27.3, its ConfigMap and calico-node DaemonSet, verbatim.
const MANIFEST = readFileSync(new URL("../fixtures/calico-v3.27.3-manifest-excerpt.yaml", import.meta.url), "utf8");
const URL_ = "https://raw.githubusercontent.com/projectcalico/calico/v3.27.3/manifests/calico.yaml";

interface Container {
  name: string;
  env?: EnvVar[];
}
function containersOf(text: string): { containers: Container[]; initContainers: Container[]; others: unknown[] } {
  const docs = parseAllDocuments(text).map((d) => d.toJS() as { kind: string; spec?: { template: { spec: { containers: Container[]; initContainers: Container[] } } } });
  const ds = docs.find((d) => d.kind === "DaemonSet");
  assert.ok(ds?.spec);
  return { ...ds.spec.template.spec, others: docs.filter((d) => d !== ds) };
}

test("calico-node's settings in Calico's own manifest before it is applied: autodetection on the fabric interface, Felix's route source the node's address", () => {
  const before = containersOf(MANIFEST);
  const after = containersOf(withCalicoNodeEnv(MANIFEST, URL_, calicoNodeEnv(loadTopology())));
  const env = (c: { containers: Container[] }) => c.containers.find((x) => x.name === "calico-node")?.env ?? [];
  // The manifest's own variables as they were, in order; ours after them.
  assert.deepEqual(env(after).slice(0, env(before).length), env(before));
  assert.deepEqual(env(after).slice(env(before).length), [
    { name: "IP_AUTODETECTION_METHOD", value: "interface=eth1" },
    { name: "FELIX_DEVICEROUTESOURCEADDRESS", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
  ]);
  assert.ok(env(before).some((e) => e.name === "NODENAME"), "the fixture is calico-node's real env");
  assert.deepEqual(after.initContainers, before.initContainers, "the CNI installer's env is left alone");
  assert.deepEqual(after.others, before.others, "every other document is left alone");
});

test("a variable the manifest already sets is replaced, not doubled", () => {
  const firstFound = MANIFEST.replace("            - name: FELIX_HEALTHENABLED\n", '            - name: IP_AUTODETECTION_METHOD\n              value: "first-found"\n            - name: FELIX_HEALTHENABLED\n');
  assert.notEqual(firstFound, MANIFEST);
  const env = containersOf(withCalicoNodeEnv(firstFound, URL_, calicoNodeEnv(loadTopology()))).containers.find((c) => c.name === "calico-node")?.env ?? [];
  assert.deepEqual(env.filter((e) => e.name === "IP_AUTODETECTION_METHOD"), [{ name: "IP_AUTODETECTION_METHOD", value: "interface=eth1" }]);
  assert.equal(env.findIndex((e) => e.name === "IP_AUTODETECTION_METHOD") + 1, env.findIndex((e) => e.name === "FELIX_HEALTHENABLED"), "in its place");
});

test("a manifest without calico-node's DaemonSet is a LabError, and nothing is applied", () => {
  const configMapOnly = MANIFEST.slice(0, MANIFEST.indexOf("# Source: calico/templates/calico-node.yaml"));
  assert.throws(() => withCalicoNodeEnv(configMapOnly, URL_, calicoNodeEnv(loadTopology())), (e: unknown) => e instanceof LabError && e.message === `Calico's manifest ${URL_} has 0 calico-node containers in a calico-node DaemonSet (expected 1): nothing was applied`);
  assert.throws(() => withCalicoNodeEnv("kind: [", URL_, []), (e: unknown) => e instanceof LabError && e.message.startsWith(`Calico's manifest ${URL_} is not YAML: `));
});
