/**
 * The rules of the JUnit XML schema that Jenkins reads (the xunit plugin's junit-10.xsd,
 * jenkinsci/xunit-plugin src/main/resources/org/jenkinsci/plugins/xunit/types/model/xsd/), checked
 * without a network or an XSD engine: which elements may hold which, which attributes each may
 * carry (the schema has no xs:anyAttribute: anything else is invalid) and which are required, and
 * the pattern of a suite's `time`. Also what the schema cannot say but every reader assumes: a
 * suite's counts match its test cases.
 */

/** An element as the small parser below reads it. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const decode = (s: string) => s.replace(/&(#\d+|#x[0-9a-f]+|\w+);/gi, (m, e: string) => (e.startsWith("#x") ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith("#") ? String.fromCodePoint(Number(e.slice(1))) : (ENTITIES[e] ?? m)));

/** Parses the XML of a JUnit file (elements, attributes, text and CDATA; no DTD); throws on malformed input. */
export function parseXml(xml: string): XmlElement {
  const token = /<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<\/([\w:-]+)\s*>|<([\w:-]+)((?:\s+[\w:-]+\s*=\s*"[^"]*")*)\s*(\/?)>|<|[^<]+/g;
  const stack: Array<{ name: string; attributes: Record<string, string>; children: XmlElement[] }> = [{ name: "#document", attributes: {}, children: [] }];
  for (const m of xml.matchAll(token)) {
    const [text, close, open, attrs, selfClose] = m;
    if (close !== undefined) {
      const top = stack.pop();
      if (!top || top.name !== close || stack.length === 0) throw new Error(`unexpected </${close}> at ${m.index}`);
    } else if (open !== undefined) {
      const attributes: Record<string, string> = {};
      for (const [, k, v] of (attrs ?? "").matchAll(/([\w:-]+)\s*=\s*"([^"]*)"/g)) {
        if (k === undefined) continue;
        if (k in attributes) throw new Error(`<${open}>: attribute ${k} twice`);
        attributes[k] = decode(v ?? "");
      }
      const element = { name: open, attributes, children: [] as XmlElement[] };
      stack.at(-1)?.children.push(element);
      if (selfClose !== "/") stack.push(element);
    } else if (text === "<") {
      throw new Error(`a bare "<" at ${m.index}`);
    }
  }
  const [document] = stack;
  if (stack.length !== 1 || !document || document.children.length !== 1) throw new Error("not one root element, or an element left open");
  return document.children[0] as XmlElement;
}

interface ElementRule {
  readonly attributes: readonly string[];
  readonly required: readonly string[];
  /** Elements it may contain; undefined: text only. */
  readonly children?: readonly string[];
}

const MESSAGE = { attributes: ["type", "message"], required: [] };
const RERUN = { attributes: ["type", "message"], required: ["type"], children: ["stackTrace", "system-out", "system-err"] };
const TEXT = { attributes: [], required: [] };

/** junit-10.xsd, element by element. */
export const JUNIT_10: Readonly<Record<string, ElementRule>> = {
  testsuites: { attributes: ["name", "time", "tests", "failures", "errors"], required: [], children: ["testsuite"] },
  testsuite: {
    attributes: ["name", "tests", "failures", "errors", "group", "time", "skipped", "timestamp", "hostname", "id", "package", "file", "log", "url"],
    required: ["name", "tests", "failures", "errors"],
    children: ["testsuite", "properties", "testcase", "system-out", "system-err"],
  },
  properties: { attributes: [], required: [], children: ["property"] },
  property: { attributes: ["name", "value"], required: ["name", "value"], children: [] },
  testcase: {
    attributes: ["name", "time", "classname", "group"],
    required: ["name"],
    children: ["skipped", "error", "failure", "rerunFailure", "rerunError", "flakyFailure", "flakyError", "system-out", "system-err"],
  },
  failure: MESSAGE,
  error: MESSAGE,
  skipped: MESSAGE,
  rerunFailure: RERUN,
  rerunError: RERUN,
  flakyFailure: RERUN,
  flakyError: RERUN,
  stackTrace: TEXT,
  "system-out": TEXT,
  "system-err": TEXT,
};

/** SUREFIRE_TIME: digits with optional thousands commas and decimals. */
const SUREFIRE_TIME = /^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$/;

/** Every way the file breaks junit-10.xsd's rules (and its suites' counts), each with its path; empty when valid. */
export function junitProblems(xml: string): string[] {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    return [`not well-formed XML: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  if (root.name !== "testsuite" && root.name !== "testsuites") problems.push(`root is <${root.name}>, expected <testsuite> or <testsuites>`);
  const visit = (e: XmlElement, path: string) => {
    const rule = JUNIT_10[e.name];
    if (!rule) return;
    for (const a of Object.keys(e.attributes)) if (!rule.attributes.includes(a)) problems.push(`${path}: attribute ${a} is not allowed (allowed: ${rule.attributes.join(", ")})`);
    for (const a of rule.required) if (!(a in e.attributes)) problems.push(`${path}: required attribute ${a} is missing`);
    if ((e.name === "testsuite" || e.name === "testsuites") && e.attributes.time !== undefined && !SUREFIRE_TIME.test(e.attributes.time)) problems.push(`${path}: time "${e.attributes.time}" is not a SUREFIRE_TIME`);
    e.children.forEach((c, i) => {
      const childPath = `${path}/${c.name}[${i}]`;
      if (!(rule.children ?? []).includes(c.name)) problems.push(`${childPath}: <${c.name}> is not allowed in <${e.name}>`);
      else visit(c, childPath);
    });
    if (e.name === "testsuite") {
      const cases = e.children.filter((c) => c.name === "testcase");
      const count = (what: string) => cases.filter((c) => c.children.some((x) => x.name === what)).length;
      const want: Record<string, number> = { tests: cases.length, failures: count("failure"), errors: count("error"), skipped: count("skipped") };
      for (const [attr, n] of Object.entries(want)) {
        if (e.attributes[attr] !== undefined && Number(e.attributes[attr]) !== n) problems.push(`${path}: ${attr}="${e.attributes[attr]}" but ${n} test cases say so`);
      }
    }
  };
  visit(root, `/${root.name}`);
  return problems;
}
