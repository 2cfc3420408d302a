import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LabRecord, type LabState } from "./state.js";

const lab: LabState = {
  topology: "blog",
  fingerprint: "f",
  namespaces: ["fs-leaf1"],
  processes: [],
  phase: "building",
  keep: false,
  ownerPid: process.pid,
  createdAt: "2024-01-01T00:00:00.000Z",
};

function withRecord(work: (record: LabRecord, file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "fabricspec-state-"));
  const file = join(dir, "state.json");
  return work(new LabRecord(file), file).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test("the record: begun before anything exists, added to, forgotten from, each change on what is on disk", () =>
  withRecord(async (record) => {
    assert.throws(() => record.record((s) => s), /no lab is recorded: bring it up first/);
    record.begin(lab);
    record.record((s) => ({ ...s, processes: [{ node: "leaf1", daemon: "zebra", pid: 4242, command: "/usr/lib/frr/zebra" }] }));
    record.record((s) => ({ ...s, namespaces: [...s.namespaces, "fs-pod-x"] }));
    record.forget((s) => ({ ...s, namespaces: s.namespaces.filter((ns) => ns !== "fs-pod-x") }));
    assert.deepEqual(new LabRecord(record.file).read(), { ...lab, processes: [{ node: "leaf1", daemon: "zebra", pid: 4242, command: "/usr/lib/frr/zebra" }] });
  }));

test("during teardown nothing is recorded or forgotten, and nothing may start; the record goes last", () =>
  withRecord(async (record, file) => {
    record.begin(lab);
    const seen = await record.remove(async (state) => {
      assert.throws(() => record.record((s) => s), /cannot record a change: the lab is being removed/);
      assert.throws(() => record.refuseWhileRemoving("start bgpd on leaf1"), /cannot start bgpd on leaf1: the lab is being removed/);
      record.forget((s) => ({ ...s, namespaces: [] }));
      assert.deepEqual(record.read()?.namespaces, ["fs-leaf1"]);
      assert.ok(existsSync(file), "the record outlives the teardown's work");
      return state.namespaces;
    });
    assert.deepEqual(seen, ["fs-leaf1"]);
    assert.equal(existsSync(file), false);
    assert.equal(await record.remove(async () => "removed"), undefined, "no lab recorded: no teardown");
    record.refuseWhileRemoving("start bgpd on leaf1");
  }));
