import { test } from "node:test";
import assert from "node:assert/strict";
import { JsonSchema } from "./json-schema.js";

const errors = (schema: Record<string, unknown>, value: unknown) => new JsonSchema(schema).validate(value).map((e) => `${e.path || "/"}: ${e.message}`);

test("types, enums, patterns (Unicode), bounds", () => {
  assert.deepEqual(errors({ type: "string" }, 3), ["/: is integer, expected string"]);
  assert.deepEqual(errors({ type: "number" }, 3), []);
  assert.deepEqual(errors({ type: ["string", "null"] }, null), []);
  assert.deepEqual(errors({ enum: ["a", "b"] }, "c"), ['/: "c" is not one of 2 allowed values']);
  assert.deepEqual(errors({ const: 1 }, 2), ["/: must be 1"]);
  assert.deepEqual(errors({ pattern: "^[\\p{L}]+$" }, "héllo"), []);
  assert.deepEqual(errors({ pattern: "^\\S+:\\S+$" }, "a"), ['/: "a" does not match ^\\S+:\\S+$']);
  assert.deepEqual(errors({ minimum: 1, maximum: 3 }, 4), ["/: is above 3"]);
});

test("objects: properties, patternProperties, additionalProperties false, required", () => {
  const schema = { type: "object", properties: { name: { type: "string" } }, patternProperties: { "^x-": { type: "number" } }, additionalProperties: false, required: ["name"] };
  assert.deepEqual(errors(schema, { name: "n", "x-a": 1 }), []);
  assert.deepEqual(errors(schema, { "x-a": "1", other: true }), ['/: has no "name" (required)', "/x-a: is string, expected number", "/other: is not a property this schema allows"]);
});

test("arrays: items, prefixItems, minItems, uniqueItems", () => {
  assert.deepEqual(errors({ type: "array", items: { type: "string" }, minItems: 2, uniqueItems: true }, ["a", "a"]), ["/: has duplicate items"]);
  assert.deepEqual(errors({ type: "array", items: { type: "string" }, minItems: 2 }, [1]), ["/: has fewer than 2 items", "/0: is integer, expected string"]);
  assert.deepEqual(errors({ prefixItems: [{ type: "string" }, { type: "number" }] }, ["a", "b"]), ["/1: is string, expected number"]);
});

test("$ref, allOf, anyOf and oneOf (with the closest branch's reasons), not, if/then/else", () => {
  const root = { definitions: { port: { type: "integer", minimum: 1 } }, $ref: "#/definitions/port" };
  assert.deepEqual(errors(root, 0), ["/: is below 1"]);
  assert.deepEqual(errors({ allOf: [{ minimum: 2 }, { maximum: 1 }] }, 3), ["/: is above 1"]);
  assert.deepEqual(errors({ oneOf: [{ type: "null" }, { type: "object", required: ["kind"] }] }, {}), ['/: has no "kind" (required)']);
  assert.deepEqual(errors({ oneOf: [{ type: "number" }, { minimum: 0 }] }, 5), ["/: matches 2 of oneOf (exactly one expected)"]);
  assert.deepEqual(errors({ not: { type: "string" } }, "s"), ["/: matches a schema it must not"]);
  const conditional = { if: { properties: { kind: { const: "srl" } } }, then: { required: ["type"] }, else: { not: { required: ["type"] } } };
  assert.deepEqual(errors(conditional, { kind: "srl" }), ['/: has no "type" (required)']);
  assert.deepEqual(errors(conditional, { kind: "linux", type: "x" }), ["/: matches a schema it must not"]);
});

test("a keyword it does not implement is reported, never ignored silently", () => {
  assert.deepEqual(new JsonSchema({ type: "object", properties: { a: { dependentRequired: {}, format: "ipv4" } } }).unknownKeywords, ["dependentRequired", "format"]);
});
