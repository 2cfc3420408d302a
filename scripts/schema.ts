/**
 * Writes lab/topology/topology.schema.json, the JSON schema editors use to check and complete
 * topology files (the `yaml-language-server: $schema=` header of each), from the zod schema in
 * lab/topology/schema.ts. Run after changing that schema:
 *   node --import tsx scripts/schema.ts
 * A unit test (lab/topology/schema.test.ts) fails while the committed file differs.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { topologyJsonSchema } from "../lab/topology/schema.js";

export const SCHEMA_FILE = fileURLToPath(new URL("../lab/topology/topology.schema.json", import.meta.url));
export const REGENERATE = "node --import tsx scripts/schema.ts";

/** The schema file's text, exactly as committed. */
export function schemaText(): string {
  const { $schema, ...rest } = topologyJsonSchema() as Record<string, unknown>;
  const schema = {
    $schema,
    title: "fabricspec topology",
    description: "A leaf-spine fabric: switches, point-to-point links, hosts. Cross-references are checked by the loader.",
    $comment: `Generated from lab/topology/schema.ts; do not edit, run: ${REGENERATE}`,
    ...rest,
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(SCHEMA_FILE, schemaText());
  console.log(`schema: wrote ${SCHEMA_FILE}`);
}
