/**
 * A small JSON Schema (draft-07, and 2020-12's prefixItems) validator: enough for containerlab's
 * published schema, against which the tests check every exported topology. No dependency; every
 * keyword that schema uses is implemented, and one it does not know is reported, never ignored
 * silently (`unknownKeywords`), so that a newer schema cannot pass by being half read.
 */

export type Schema = boolean | { readonly [keyword: string]: unknown };

export interface SchemaError {
  /** Where in the document, e.g. `/topology/nodes/leaf1/binds/0`. */
  readonly path: string;
  readonly message: string;
}

/** Keywords with no bearing on validity. */
const ANNOTATIONS = new Set(["$id", "$schema", "$comment", "title", "description", "markdownDescription", "default", "examples", "definitions", "$defs"]);
const KNOWN = new Set([
  ...ANNOTATIONS,
  "$ref", "type", "enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum", "properties", "patternProperties",
  "additionalProperties", "required", "minProperties", "maxProperties", "items", "prefixItems", "additionalItems", "minItems",
  "maxItems", "uniqueItems", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
]);

const typeOf = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value === "number" && Number.isInteger(value) ? "integer" : typeof value;

const matchesType = (value: unknown, type: string) => typeOf(value) === type || (type === "number" && typeOf(value) === "integer");

function regex(pattern: string): RegExp {
  try {
    return new RegExp(pattern, "u"); // the schema's \p{L} and \p{N} need Unicode mode
  } catch {
    return new RegExp(pattern);
  }
}

const equal = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

type Obj = { readonly [keyword: string]: unknown };

export class JsonSchema {
  /** Keywords found in the schema that this validator does not implement. */
  readonly unknownKeywords: readonly string[];

  constructor(private readonly root: Obj) {
    const unknown = new Set<string>();
    const walk = (node: unknown, isSchema: boolean) => {
      if (Array.isArray(node)) return node.forEach((n) => walk(n, isSchema));
      if (typeof node !== "object" || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (!isSchema) walk(value, true);
        else if (["properties", "patternProperties", "definitions", "$defs"].includes(key)) walk(value, false);
        else if (["enum", "const", "default", "examples", "required"].includes(key)) continue;
        else {
          if (!KNOWN.has(key)) unknown.add(key);
          walk(value, true);
        }
      }
    };
    walk(root, true);
    this.unknownKeywords = [...unknown].sort();
  }

  validate(value: unknown): SchemaError[] {
    const errors: SchemaError[] = [];
    this.check(this.root, value, "", errors);
    return errors;
  }

  private resolve(ref: string): Schema {
    if (!ref.startsWith("#/")) throw new Error(`json-schema: only local references are supported, not ${ref}`);
    let node: unknown = this.root;
    for (const part of ref.slice(2).split("/")) node = (node as Obj | undefined)?.[part.replaceAll("~1", "/").replaceAll("~0", "~")];
    if (node === undefined) throw new Error(`json-schema: ${ref} resolves to nothing`);
    return node as Schema;
  }

  private errorsOf(schema: Schema, value: unknown, path: string): SchemaError[] {
    const errors: SchemaError[] = [];
    this.check(schema, value, path, errors);
    return errors;
  }

  private passes(schema: Schema, value: unknown, path: string): boolean {
    return this.errorsOf(schema, value, path).length === 0;
  }

  /**
   * When no branch of anyOf or oneOf fits, the reasons of the branch that came closest: not one
   * the value's type rules out (null against an object), then the one with the fewest errors.
   */
  private closest(branches: readonly Schema[], value: unknown, path: string): SchemaError[] {
    const all = branches.map((b) => this.errorsOf(b, value, path));
    const typeMismatch = (e: SchemaError[]) => e.length === 1 && e[0]?.path === path && /^is \w+, expected/.test(e[0].message);
    const candidates = all.filter((e) => !typeMismatch(e));
    return (candidates.length ? candidates : all).reduce((best, e) => (e.length < best.length ? e : best));
  }

  private check(schema: Schema, value: unknown, path: string, errors: SchemaError[]): void {
    if (schema === true) return;
    if (schema === false) return void errors.push({ path, message: "is not allowed here" });
    const s = schema;
    const fail = (message: string) => errors.push({ path, message });
    if (typeof s.$ref === "string") this.check(this.resolve(s.$ref), value, path, errors);
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((t) => matchesType(value, t))) return void fail(`is ${typeOf(value)}, expected ${types.join(" or ")}`);
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => equal(e, value))) fail(`${JSON.stringify(value)} is not one of ${s.enum.length} allowed values`);
    if ("const" in s && !equal(s.const, value)) fail(`must be ${JSON.stringify(s.const)}`);
    if (typeof value === "string") {
      if (typeof s.pattern === "string" && !regex(s.pattern).test(value)) fail(`"${value}" does not match ${s.pattern}`);
      if (typeof s.minLength === "number" && [...value].length < s.minLength) fail(`is shorter than ${s.minLength}`);
      if (typeof s.maxLength === "number" && [...value].length > s.maxLength) fail(`is longer than ${s.maxLength}`);
    }
    if (typeof value === "number") {
      if (typeof s.minimum === "number" && value < s.minimum) fail(`is below ${s.minimum}`);
      if (typeof s.maximum === "number" && value > s.maximum) fail(`is above ${s.maximum}`);
    }
    if (typeOf(value) === "object") this.checkObject(s, value as Obj, path, errors);
    if (Array.isArray(value)) this.checkArray(s, value, path, errors);
    if (Array.isArray(s.allOf)) for (const sub of s.allOf as Schema[]) this.check(sub, value, path, errors);
    for (const keyword of ["anyOf", "oneOf"] as const) {
      const branches = s[keyword];
      if (!Array.isArray(branches)) continue;
      const n = (branches as Schema[]).filter((sub) => this.passes(sub, value, path)).length;
      if (n === 0) errors.push(...this.closest(branches as Schema[], value, path));
      else if (keyword === "oneOf" && n > 1) fail(`matches ${n} of oneOf (exactly one expected)`);
    }
    if (s.not !== undefined && this.passes(s.not as Schema, value, path)) fail("matches a schema it must not");
    if (s.if !== undefined) {
      const branch = this.passes(s.if as Schema, value, path) ? s.then : s.else;
      if (branch !== undefined) this.check(branch as Schema, value, path, errors);
    }
  }

  private checkObject(s: Obj, value: Obj, path: string, errors: SchemaError[]): void {
    const properties = (s.properties ?? {}) as Record<string, Schema>;
    const patterns = Object.entries((s.patternProperties ?? {}) as Record<string, Schema>).map(([p, sub]) => [regex(p), sub] as const);
    for (const key of (s.required ?? []) as string[]) if (!(key in value)) errors.push({ path, message: `has no "${key}" (required)` });
    const count = Object.keys(value).length;
    if (typeof s.minProperties === "number" && count < s.minProperties) errors.push({ path, message: `has fewer than ${s.minProperties} properties` });
    if (typeof s.maxProperties === "number" && count > s.maxProperties) errors.push({ path, message: `has more than ${s.maxProperties} properties` });
    for (const [key, child] of Object.entries(value)) {
      const at = `${path}/${key}`;
      let matched = false;
      if (key in properties) {
        matched = true;
        this.check(properties[key] as Schema, child, at, errors);
      }
      for (const [re, sub] of patterns) {
        if (re.test(key)) {
          matched = true;
          this.check(sub, child, at, errors);
        }
      }
      if (!matched && s.additionalProperties !== undefined) {
        if (s.additionalProperties === false) errors.push({ path: at, message: "is not a property this schema allows" });
        else this.check(s.additionalProperties as Schema, child, at, errors);
      }
    }
  }

  private checkArray(s: Obj, value: readonly unknown[], path: string, errors: SchemaError[]): void {
    if (typeof s.minItems === "number" && value.length < s.minItems) errors.push({ path, message: `has fewer than ${s.minItems} items` });
    if (typeof s.maxItems === "number" && value.length > s.maxItems) errors.push({ path, message: `has more than ${s.maxItems} items` });
    if (s.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) errors.push({ path, message: "has duplicate items" });
    const tuple = (Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : undefined) as Schema[] | undefined;
    const rest = tuple ? (Array.isArray(s.items) ? s.additionalItems : s.items) : s.items;
    value.forEach((item, i) => {
      const sub = tuple && i < tuple.length ? tuple[i] : rest;
      if (sub !== undefined) this.check(sub as Schema, item, `${path}/${i}`, errors);
    });
  }
}
