import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
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
  for (const name of ["blog", "wide"]) {
    const text = readFileSync(new URL(`../topologies/${name}.yaml`, import.meta.url), "utf8");
    assert.equal(text.split("\n")[0], "# yaml-language-server: $schema=../topology/topology.schema.json", name);
  }
});
