/**
 * `fabricspec topology expand FILE`: the topology in its full form (every switch, link and host),
 * validated, on stdout. A compact file (lab/topology/compact.ts) is expanded; a full one is printed
 * as the loader reads it. The output is valid input to the loader and loads to the same model.
 */
import { Document, isMap, visit } from "yaml";
import { UsageError } from "../errors.js";
import { expandTopologyFile } from "../topology/load.js";
import { EXIT } from "./run-lab.js";
import { TOPOLOGY_USAGE } from "./usage.js";

/** The full form as YAML text: one line per switch, link end and host, as the shipped files are written. */
export function fullFormYaml(value: Record<string, unknown>, from: string): string {
  const doc = new Document(value);
  // Maps at the depth of a switch, a host or a link's end, and below, in flow style.
  visit(doc, {
    Map(_key, node, path) {
      if (path.length >= 5 && isMap(node)) node.flow = true;
    },
  });
  const header = `# yaml-language-server: $schema=../topology/topology.schema.json\n# Expanded by fabricspec from ${from}.\n`;
  return `${header}${doc.toString({ lineWidth: 0 })}`;
}

export function topologyCommand(args: readonly string[]): number {
  const [command, file, ...rest] = args;
  if (command !== "expand" || file === undefined || rest.length > 0) {
    throw new UsageError(`topology ${args.join(" ")}: the topology command is expand FILE`, { hint: `fabricspec ${TOPOLOGY_USAGE}` });
  }
  process.stdout.write(fullFormYaml(expandTopologyFile(file), file));
  return EXIT.ok;
}
