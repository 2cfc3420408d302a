/**
 * The lab's error family. A LabError means the lab (or its description) is broken, not that the
 * network under test is wrong: reports show it as *broken*, with its cause.
 */
export class LabError extends Error {
  /** A one-line instruction that fixes it, when we know one. */
  readonly hint: string | undefined;

  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** The input is wrong (a topology, a name, an option): the user's to fix, nothing was built. */
export class UsageError extends LabError {}

export interface TopologyIssue {
  /** Where in the file, e.g. `links[2].b`. */
  readonly path: string;
  readonly message: string;
}

/** The topology file is invalid; every problem is listed with its path. */
export class TopologyError extends UsageError {
  constructor(
    readonly source: string,
    readonly issues: readonly TopologyIssue[],
  ) {
    super(
      `Topology ${source} is invalid:\n${issues.map((i) => `  ${i.path ? `${i.path}: ` : ""}${i.message}`).join("\n")}`,
    );
  }
}

/** A name that is not in the topology: a mistake in the input, not a broken lab. */
export class UnknownNodeError extends UsageError {}

/** A prerequisite of the driver is missing; each failed check carries its fix. */
export class PreflightError extends LabError {}

/** A command the lab needed failed (not a probe whose result is judged by a test). */
export class CommandError extends LabError {}

/** The lab did not reach the state it waited for within its budget. */
export class ConvergenceError extends LabError {}

/** Another run holds the lab. */
export class LabBusyError extends LabError {}

/** One line for a person: message, cause chain and hint, never a stack trace. */
export function describeError(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    lines.push(depth === 0 ? messageOf(current) : `  caused by: ${messageOf(current)}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  if (error instanceof LabError && error.hint) lines.push(`  fix: ${error.hint}`);
  return lines.join("\n");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
