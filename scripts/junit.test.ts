import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { junitProblems, parseXml } from "./junit-schema.js";
import { annotateJunit, exampleName, notesFromMessages } from "./junit.js";

const dir = new URL("fixtures/junit/", import.meta.url);
const xml = readFileSync(new URL("junit.xml", dir), "utf8");
const messages = readFileSync(new URL("cucumber-messages.ndjson", dir), "utf8");

test("notes come in the formatter's order: by feature file, then line", () => {
  assert.deepEqual(
    notesFromMessages(messages).map((n) => n.skipReason),
    [undefined, undefined, "the netns driver has no Kubernetes API & no kubeconfig"],
  );
});

test("a skipped scenario carries its reason, escaped", () => {
  const out = annotateJunit(xml, notesFromMessages(messages));
  assert.ok(out.includes(`<skipped message="the netns driver has no Kubernetes API &amp; no kubeconfig"/>`));
  assert.ok(!out.includes("<skipped/>"));
});

test("a broken lab (not an assertion) is an <error>, a wrong network stays a <failure>; the counts follow", () => {
  const out = annotateJunit(xml, notesFromMessages(messages));
  assert.match(out, /<error type="ProbeError" message="leaf1: [^"]*">[\s\S]*?<\/error>/);
  assert.match(out, /<failure type="AssertionError"/);
  assert.equal(out.match(/<failure\b/g)?.length, 1);
  assert.match(out, /<testsuite [^>]*failures="1" errors="1"/);
});

test("when the messages do not match the test cases one to one, the file is left as it is", () => {
  assert.equal(annotateJunit(xml, notesFromMessages(messages).slice(1)), xml);
});

test("each test case names its feature file and line, first in its output", () => {
  const out = annotateJunit(xml, notesFromMessages(messages));
  const cases = parseXml(out).children.filter((c) => c.name === "testcase");
  const notes = notesFromMessages(messages);
  assert.equal(cases.length, notes.length);
  for (const n of notes) assert.match(n.location ?? "", /^features\/.+\.feature:\d+$/);
  for (const n of notes) assert.ok(out.includes(`<![CDATA[Scenario at ${n.location}`), `no location ${n.location}`);
});

test("an outline's example is named without the outline's raw placeholders", () => {
  assert.equal(
    exampleName("every node peers with its leaf - &lt;node> peers with &lt;leaf> in AS &lt;AS> - #1.4: k8s-node-l2-1 peers with leaf2 in AS 65102"),
    "every node peers with its leaf - k8s-node-l2-1 peers with leaf2 in AS 65102",
  );
  assert.equal(exampleName("the fabric routes around a spine whose &lt;failure> - #1.2: the fabric routes around a spine whose bgpd dies"), "the fabric routes around a spine whose bgpd dies");
  assert.equal(exampleName("leaf1 peers with both spines"), "leaf1 peers with both spines");
  assert.equal(exampleName("a rule - a plain name - #1.1: not an outline"), "a rule - a plain name - #1.1: not an outline");
});

test("the annotated file follows junit-10.xsd (what Jenkins validates), the formatter's own too", () => {
  assert.deepEqual(junitProblems(annotateJunit(xml, notesFromMessages(messages))), []);
  assert.deepEqual(junitProblems(xml).filter((p) => !p.includes("but")), [], "cucumber's own output breaks no rule but its counts");
});

test("junitProblems finds what junit-10.xsd forbids, by path (so the test above can fail)", () => {
  const bad = '<testsuite name="s" tests="2" failures="0"><testcase name="a" file="x.feature" line="3"><failure kind="x"/></testcase><testcase><bogus/></testcase></testsuite>';
  assert.deepEqual(junitProblems(bad), [
    "/testsuite: required attribute errors is missing",
    "/testsuite/testcase[0]: attribute file is not allowed (allowed: name, time, classname, group)",
    "/testsuite/testcase[0]: attribute line is not allowed (allowed: name, time, classname, group)",
    "/testsuite/testcase[0]/failure[0]: attribute kind is not allowed (allowed: type, message)",
    "/testsuite/testcase[1]: required attribute name is missing",
    "/testsuite/testcase[1]/bogus[0]: <bogus> is not allowed in <testcase>",
    '/testsuite: failures="0" but 1 test cases say so',
  ]);
  assert.match(junitProblems("<testsuite><testcase></testsuite>")[0] ?? "", /^not well-formed XML/);
});
