/** What every probe shares: run one command, parse its output once, keep the raw result as evidence. */
import type { z } from "zod";
import { LabError } from "../errors.js";
import { formatPath } from "../expect/partial.js";
import { installHint } from "../packages.js";
import { formatCommand, type CommandResult, type CommandRunner, type RunOptions } from "../transport/runner.js";

/** A probe's typed value and the command result it was parsed from (reports attach the evidence). */
export interface Probed<T> {
  readonly value: T;
  readonly evidence: CommandResult;
}

/**
 * A probe could not observe the network: its command failed, timed out or printed something we
 * cannot read. The lab is broken; a network in a wrong state is a value, never this error.
 */
export class ProbeError extends LabError {
  constructor(
    readonly node: string,
    /** The probe's command, as the probe asked for it (the evidence has what the node ran). */
    readonly command: readonly string[],
    readonly evidence: CommandResult,
    reason: string,
    options: { cause?: unknown; hint?: string } = {},
  ) {
    super(`${node}: \`${formatCommand(command)}\` ${reason}`, options);
  }
}

/** Thrown by parsers; `runProbe` turns it into a ProbeError that names the node and the command. */
export class OutputRejected extends Error {
  readonly hint: string | undefined;

  constructor(
    /** Completes "`cmd` ...": e.g. "failed with exit code 1: bgpd is not running". */
    readonly reason: string,
    options: { cause?: unknown; hint?: string } = {},
  ) {
    super(reason, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
  }
}

/** Runs argv on the runner's node and parses the result; failures become ProbeErrors. */
export async function runProbe<T>(
  runner: CommandRunner,
  command: readonly string[],
  parse: (result: CommandResult) => T,
  options: RunOptions = {},
): Promise<Probed<T>> {
  const evidence = await runner.run(command, options);
  try {
    return { value: parse(evidence), evidence };
  } catch (error) {
    if (error instanceof OutputRejected) {
      throw new ProbeError(runner.node, command, evidence, error.reason, {
        cause: error.cause,
        ...(error.hint === undefined ? {} : { hint: error.hint }),
      });
    }
    throw error;
  }
}

/** Rejects a result whose command did not run to completion: exit code non-zero, or a timeout. */
export function requireSuccess(result: CommandResult): void {
  if (result.exitCode !== 0) throw commandFailed(result);
}

/** The rejection for a command that failed, with the first line that says why. */
export function commandFailed(result: CommandResult): OutputRejected {
  const binary = result.command[0] ?? "";
  if (result.exitCode === 124) return new OutputRejected("timed out");
  const why = firstLine(result.stderr) ?? firstLine(result.stdout) ?? "no output";
  const hint = result.exitCode === 127 ? installHint(binary) : undefined;
  return new OutputRejected(`failed with exit code ${result.exitCode}: ${why}`, hint === undefined ? {} : { hint });
}

/** The first non-blank line of a text, trimmed. */
export function firstLine(text: string): string | undefined {
  return text
    .split("\n")
    .map((line) => line.trim())
    .find((line) => line !== "");
}

/** Parses JSON output with a schema; every problem is reported with its path in the output. */
export function parseJsonOutput<S extends z.ZodType>(stdout: string, schema: S): z.output<S> {
  return validateOutput(parseJson(stdout), schema);
}

/** The JSON a command printed, or a rejection quoting what it printed instead. */
export function parseJson(stdout: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch (error) {
    const found = firstLine(stdout);
    throw new OutputRejected(`printed output that is not JSON: ${found === undefined ? "(empty)" : truncate(found)}`, {
      cause: error,
    });
  }
}

/** Checks parsed output against a schema; names the path of each problem (at most five). */
export function validateOutput<S extends z.ZodType>(data: unknown, schema: S): z.output<S> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((issue) => `${formatPath(issue.path.map((k) => (typeof k === "symbol" ? String(k) : k)))}: ${issue.message}`);
    const more = parsed.error.issues.length > 5 ? `; and ${parsed.error.issues.length - 5} more` : "";
    throw new OutputRejected(`printed JSON we cannot read: ${issues.join("; ")}${more}`, { cause: parsed.error });
  }
  return parsed.data;
}

function truncate(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max)}...`;
}
