/**
 * JUnit after the run: what cucumber's junit formatter (@cucumber/junit-xml-formatter) leaves out.
 * It writes a bare `<skipped/>` and counts every non-passed scenario as a `<failure>` (`errors`
 * always 0). From the run's messages file this adds each skipped scenario's reason
 * (`<skipped message="...">`, the `Skipped: ...` text support/pod-network.ts attaches) and turns a
 * scenario whose error is not an assertion (a LabError: the lab is broken) into an `<error>`, as
 * Allure calls it broken (allure-js-commons' getStatusFromError: AssertionError is failed).
 * It also names each scenario's file and line (features/x.feature:17), as the first line of its
 * `<system-out>`: junit-10.xsd, which Jenkins validates against, allows no `file` or `line` on a
 * `<testcase>` (scripts/junit-schema.ts); and it names an outline's examples without the
 * outline's raw `<placeholders>` (the formatter writes "RULE - OUTLINE <x> - #1.2: NAME").
 * The formatter orders its test cases by feature file and line; the messages are put in that
 * order and matched one to one. If the counts differ the file is left as it is.
 */
import { readFileSync, writeFileSync } from "node:fs";

/** What one test case adds to its `<testcase>`. */
export interface CaseNote {
  readonly skipReason: string | undefined;
  /** The scenario's (or example row's) feature file and line: "features/blog/bgp-sessions.feature:17". */
  readonly location?: string;
}

interface Envelope {
  pickle?: { id: string; uri: string; location?: { line: number } };
  testCase?: { id: string; pickleId: string };
  testCaseStarted?: { id: string; testCaseId: string; attempt?: number };
  attachment?: { testCaseStartedId?: string; body: string; mediaType: string };
}

const SKIPPED_PREFIX = "Skipped: ";

/** One note per test case started (the last attempt of each), in the junit formatter's order. */
export function notesFromMessages(ndjson: string): CaseNote[] {
  const pickles = new Map<string, { uri: string; line: number }>();
  const testCases = new Map<string, string>();
  const started: Array<{ id: string; pickleId: string }> = [];
  const reasons = new Map<string, string>();
  for (const line of ndjson.split("\n")) {
    if (line.trim() === "") continue;
    const e = JSON.parse(line) as Envelope;
    if (e.pickle) pickles.set(e.pickle.id, { uri: e.pickle.uri, line: e.pickle.location?.line ?? 0 });
    if (e.testCase) testCases.set(e.testCase.id, e.testCase.pickleId);
    if (e.testCaseStarted) started.push({ id: e.testCaseStarted.id, pickleId: testCases.get(e.testCaseStarted.testCaseId) ?? "" });
    const a = e.attachment;
    if (a?.testCaseStartedId && a.mediaType === "text/plain" && a.body.startsWith(SKIPPED_PREFIX) && !reasons.has(a.testCaseStartedId)) {
      reasons.set(a.testCaseStartedId, a.body.slice(SKIPPED_PREFIX.length).trim());
    }
  }
  const where = (s: { pickleId: string }) => pickles.get(s.pickleId) ?? { uri: "", line: 0 };
  return started
    .map((s, index) => ({ s, index }))
    .sort((a, b) => where(a.s).uri.localeCompare(where(b.s).uri) || where(a.s).line - where(b.s).line || a.index - b.index)
    .map(({ s }) => {
      const at = where(s);
      return { skipReason: reasons.get(s.id), location: at.line > 0 ? `${at.uri}:${at.line}` : at.uri };
    });
}

function escapeAttribute(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c] as string).replace(/\n/g, "&#10;");
}

/** An error type Allure calls failed rather than broken. */
const isAssertion = (type: string) => /assert/i.test(type);

const TESTCASE = /<testcase\b[^>]*?(?:\/>|>[\s\S]*?<\/testcase>)/g;

/** An outline example's name without the outline's template: "RULE - NAME" for "RULE - OUTLINE <x> - #1.2: NAME". */
export function exampleName(name: string): string {
  const example = /^(.*) - #\d+(?:\.\d+)*: (.*)$/s.exec(name);
  if (!example || !/&lt;|</.test(example[1] ?? "")) return name;
  const head = (example[1] ?? "").split(" - ").filter((part) => !/&lt;|</.test(part));
  return [...head, example[2]].join(" - ");
}

function withoutPlaceholders(block: string): string {
  return block.replace(/^(<testcase\b[^>]*?\bname=")([^"]*)"/, (_m, start: string, name: string) => `${start}${exampleName(name)}"`);
}

/** The location as the first line of the test case's output (a `<system-out>` added if it has none). */
function withLocation(block: string, location: string): string {
  const line = `Scenario at ${location}`;
  if (/<system-out><!\[CDATA\[/.test(block)) return block.replace(/<system-out><!\[CDATA\[/, `<system-out><![CDATA[${line}\n`);
  if (block.endsWith("/>")) return `${block.slice(0, -2)}>\n    <system-out><![CDATA[${line}]]></system-out>\n  </testcase>`;
  return block.replace(/<\/testcase>$/, `  <system-out><![CDATA[${line}]]></system-out>\n  </testcase>`);
}

/** The JUnit XML with the notes applied and the suite's failures/errors counts corrected. */
export function annotateJunit(xml: string, notes: readonly CaseNote[]): string {
  const cases = xml.match(TESTCASE) ?? [];
  if (cases.length !== notes.length) return xml;
  let index = 0;
  let errors = 0;
  const out = xml.replace(TESTCASE, (block) => {
    const note = notes[index++];
    let b = withoutPlaceholders(block);
    if (note?.location) b = withLocation(b, note.location);
    if (note?.skipReason !== undefined) {
      b = b.replace(/<skipped\b[^>]*?(\/?)>/, (_m, close: string) => `<skipped message="${escapeAttribute(note.skipReason ?? "")}"${close}>`);
    }
    const failure = /<failure\b([^>]*?)(\/?)>/.exec(b);
    const type = failure ? (/\btype="([^"]*)"/.exec(failure[1] ?? "")?.[1] ?? "") : "";
    if (failure && type !== "" && !isAssertion(type)) {
      errors++;
      b = b.replace(/<failure\b/, "<error").replace(/<\/failure>/, "</error>");
    }
    return b;
  });
  if (errors === 0) return out;
  return out.replace(/<testsuite\b[^>]*>/, (tag) =>
    tag
      .replace(/\bfailures="(\d+)"/, (_m, n: string) => `failures="${Number(n) - errors}"`)
      .replace(/\berrors="(\d+)"/, (_m, n: string) => `errors="${Number(n) + errors}"`),
  );
}

/** Rewrites the JUnit file in place from the messages file of the same run. */
export function postProcessJunit(junitFile: string, messagesFile: string): void {
  const xml = readFileSync(junitFile, "utf8");
  writeFileSync(junitFile, annotateJunit(xml, notesFromMessages(readFileSync(messagesFile, "utf8"))));
}
