/**
 * The console when stdout is not a terminal (CI, a pipe, a log file): one line per scenario as it
 * finishes (status, name, where, duration), then cucumber's own summary with the failures. On a
 * terminal cucumber's progress bar does this job (cucumber.mjs picks one or the other).
 */
import { SummaryFormatter, type IFormatterOptions } from "@cucumber/cucumber";
import type * as messages from "@cucumber/messages";

/** One finished scenario as the console prints it: "FAILED   leaf2 peers with both spines  features/blog/bgp-sessions.feature:17  0.31 s". */
export function scenarioLine(status: string, name: string, where: string, durationMs: number): string {
  return `${status.toUpperCase().padEnd(9)}${name}  ${where}  ${(durationMs / 1000).toFixed(2)} s`;
}

const millis = (t: messages.Timestamp): number => Number(t.seconds) * 1000 + t.nanos / 1e6;

export default class ProgressLinesFormatter extends SummaryFormatter {
  static override readonly documentation = "one line per scenario (status, name, location, duration), then the summary";

  constructor(options: IFormatterOptions) {
    super(options);
    const started = new Map<string, number>();
    options.eventBroadcaster.on("envelope", (envelope: messages.Envelope) => {
      if (envelope.testCaseStarted) started.set(envelope.testCaseStarted.id, millis(envelope.testCaseStarted.timestamp));
      const finished = envelope.testCaseFinished;
      if (!finished || finished.willBeRetried) return;
      const attempt = this.eventDataCollector.getTestCaseAttempt(finished.testCaseStartedId);
      const line = attempt.pickle.location?.line;
      const where = `${attempt.pickle.uri}${line === undefined ? "" : `:${line}`}`;
      const ms = millis(finished.timestamp) - (started.get(finished.testCaseStartedId) ?? millis(finished.timestamp));
      this.log(`${scenarioLine(String(attempt.worstTestStepResult.status), attempt.pickle.name, where, ms)}\n`);
    });
  }
}
