/** Test double for the CommandRunner port: answers each command with a canned (captured) result. */
import { readFileSync } from "node:fs";
import { formatCommand, type CommandResult, type CommandRunner, type RunOptions } from "../transport/runner.js";

export interface FakeAnswer {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly exitCode?: number;
}

/** A fake: it runs nothing, and rejects any command it was not told about. */
export class FakeRunner implements CommandRunner {
  readonly calls: { argv: readonly string[]; options: RunOptions | undefined }[] = [];
  private readonly answers: ReadonlyMap<string, FakeAnswer>;

  /** `answers` maps a command as `formatCommand` prints it to what the node "printed". */
  constructor(
    readonly node: string,
    answers: Readonly<Record<string, FakeAnswer>>,
  ) {
    this.answers = new Map(Object.entries(answers));
  }

  async run(argv: readonly string[], options?: RunOptions): Promise<CommandResult> {
    this.calls.push({ argv, options });
    const key = formatCommand(argv);
    const answer = this.answers.get(key);
    if (answer === undefined) {
      throw new Error(`FakeRunner(${this.node}) has no answer for: ${key}\nKnown: ${[...this.answers.keys()].join(" | ")}`);
    }
    return {
      command: argv,
      exitCode: answer.exitCode ?? 0,
      stdout: answer.stdout ?? "",
      stderr: answer.stderr ?? "",
      durationMs: 1,
    };
  }
}

/** A file captured from the real lab, from `lab/probes/fixtures/`. */
export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
}
