import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { annotateJunit, notesFromMessages } from "./junit.js";

const dir = new URL("fixtures/junit/", import.meta.url);
const xml = readFileSync(new URL("junit.xml", dir), "utf8");
const messages = readFileSync(new URL("cucumber-messages.ndjson", dir), "utf8");

test("notes come in the formatter's order: by feature file, then line", () => {
  assert.deepEqual(notesFromMessages(messages), [
    { skipReason: undefined },
    { skipReason: undefined },
    { skipReason: "the netns driver has no Kubernetes API & no kubeconfig" },
  ]);
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
