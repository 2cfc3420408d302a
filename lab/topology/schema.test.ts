import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { REGENERATE, SCHEMA_FILE, schemaText } from "../../scripts/schema.js";
import { topologyJsonSchema } from "./schema.js";

test("the committed topology.schema.json is the one the zod schema generates", () => {
  const stale = `lab/topology/topology.schema.json is stale or missing; regenerate it: ${REGENERATE}`;
  assert.ok(existsSync(SCHEMA_FILE), stale);
  assert.equal(readFileSync(SCHEMA_FILE, "utf8"), schemaText(), stale);
});

test("the JSON schema is strict where the loader is: unknown keys are errors for editors too", () => {
  const schema = topologyJsonSchema() as {
    additionalProperties: unknown;
    required: unknown;
    properties: { switches: { additionalProperties: { additionalProperties: unknown; required: unknown } } };
  };
  assert.equal(schema.additionalProperties, false);
  assert.deepEqual(schema.required, ["name", "switches", "links"]);
  assert.equal(schema.properties.switches.additionalProperties.additionalProperties, false);
  assert.deepEqual(schema.properties.switches.additionalProperties.required, ["role", "asn", "loopback"]);
});

test("every topology file points editors at the schema", () => {
  const files = readdirSync(new URL("../topologies/", import.meta.url)).filter((f) => f.endsWith(".yaml"));
  assert.ok(files.includes("blog.yaml") && files.includes("wide.yaml"), files.join(", "));
  for (const name of files) {
    const text = readFileSync(new URL(`../topologies/${name}`, import.meta.url), "utf8");
    assert.equal(text.split("\n")[0], "# yaml-language-server: $schema=../topology/topology.schema.json", name);
  }
});
