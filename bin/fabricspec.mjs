#!/usr/bin/env node
// The fabricspec command: the compiled JavaScript in dist/, built first when the TypeScript
// sources changed (scripts/build.mjs; a few milliseconds when nothing did).
import { run } from "../scripts/run.mjs";

await run("lab/cli/fabricspec.ts", (message) => process.stderr.write(`fabricspec: ${message}\n`));
