/**
 * What the lab's YAML inputs (topology, inventory, Calico resources) share: reading the file,
 * YAML syntax errors with their line, and schema problems with their path, in one format.
 */
import { readFileSync } from "node:fs";
import { LineCounter, parseAllDocuments, parseDocument } from "yaml";
import type { TopologyIssue } from "./errors.js";

/** `links[2].b`, `hosts.k8s-node-l2-2.address`: where in a file a problem is. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`)).join("");
}

/** The file's text, or the one issue saying why it cannot be read. */
export function readText(path: string): { text: string } | { issues: TopologyIssue[] } {
  try {
    return { text: readFileSync(path, "utf8") };
  } catch (error) {
    return { issues: [{ path: "", message: `cannot read the file (${(error as Error).message})` }] };
  }
}

/**
 * Parses YAML text: its value, or every syntax error with its line. (Without prettyErrors the
 * messages stay one line, but then the library sets no line position: count lines here.)
 */
export function parseYaml(text: string): { value: unknown } | { issues: TopologyIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) return { issues: syntaxIssues(doc.errors, lineCounter) };
  return { value: doc.toJS() };
}

/** Like parseYaml, for a stream of `---`-separated documents. */
export function parseYamlDocuments(text: string): { values: unknown[] } | { issues: TopologyIssue[] } {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { prettyErrors: false, lineCounter });
  const docs = Array.isArray(parsed) ? parsed : [parsed];
  const errors = docs.flatMap((d) => d.errors);
  if (errors.length > 0) return { issues: syntaxIssues(errors, lineCounter) };
  return { values: docs.map((d): unknown => d.toJS()) };
}

function syntaxIssues(errors: ReadonlyArray<{ pos: [number, number]; message: string }>, lines: LineCounter): TopologyIssue[] {
  return errors.map((e) => ({ path: `line ${lines.linePos(e.pos[0]).line}`, message: e.message.split("\n")[0] ?? "" }));
}
