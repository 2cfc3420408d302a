/**
 * Writes lab/topology/topology.schema.json, the JSON schema editors use to check and complete
 * topology files (the `yaml-language-server: $schema=` header of each), from the zod schema in
 * lab/topology/schema.ts. Run after changing that schema:
 *   node --import tsx scripts/schema.ts
 * A unit test (lab/topology/schema.test.ts) fails while the committed file differs.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compactJsonSchema } from "../lab/topology/compact.js";
import { topologyJsonSchema } from "../lab/topology/schema.js";

export const SCHEMA_FILE = fileURLToPath(new URL("../lab/topology/topology.schema.json", import.meta.url));
export const REGENERATE = "node --import tsx scripts/schema.ts";

/** The schema file's text, exactly as committed: a file is in the full form or the compact one. */
export function schemaText(): string {
  const { $schema, ...full } = topologyJsonSchema() as Record<string, unknown>;
  const { $schema: _compactDialect, ...compact } = compactJsonSchema() as Record<string, unknown>;
  const schema = {
    $schema,
    title: "fabricspec topology",
    description: "A leaf-spine fabric: switches, point-to-point links, hosts; or the compact form (fabric: tiers, counts, pools) that expands into them. Cross-references are checked by the loader.",
    $comment: `Generated from lab/topology/schema.ts and compact.ts; do not edit, run: ${REGENERATE}`,
    anyOf: [
      { description: "the full form: every switch, link and host written out", ...full },
      { description: "the compact form: tiers, counts, ASN bases and address pools (see docs/topology.md)", ...compact },
    ],
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(SCHEMA_FILE, schemaText());
  console.log(`schema: wrote ${SCHEMA_FILE}`);
}
