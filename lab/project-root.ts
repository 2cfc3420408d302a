/** The repository's root, whether this runs from the sources (lab/) or compiled (dist/lab/). */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const above = fileURLToPath(new URL("..", import.meta.url));

/** Where package.json is (with a trailing slash when it is the sources' parent). */
export const PROJECT_ROOT = existsSync(join(above, "package.json")) ? above : dirname(above);
