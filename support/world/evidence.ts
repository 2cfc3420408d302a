/** The one evidence decorator: every command a step runs, with its output, attached to that step. */
import { formatCommand, type CommandResult, type CommandRunner } from "../../lab/transport/runner.js";

/** Cucumber's `this.attach` for text. */
export type Attach = (text: string, options: { mediaType: string; fileName: string }) => void;

/** One command's result as an attachment named `label$ command`: its exit code, duration and output. */
export function attachResult(attach: Attach, label: string, result: CommandResult): void {
  const output = [result.stdout, result.stderr].filter((s) => s.trim() !== "").join("\n");
  const command = `${label}$ ${formatCommand(result.command)}`;
  attach(`${command}\n(exit ${result.exitCode}, ${result.durationMs} ms)\n${output}`, { mediaType: "text/plain", fileName: command });
}

/** `inner`, with every command it runs attached. */
export function withEvidence(inner: CommandRunner, attach: Attach): CommandRunner {
  return {
    node: inner.node,
    run: async (argv, options) => {
      const result = await inner.run(argv, options);
      attachResult(attach, inner.node, result);
      return result;
    },
  };
}
