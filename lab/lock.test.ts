import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LabBusyError } from "./errors.js";
import { acquireLock, isAlive } from "./lock.js";

/** A fresh lock directory per test, never the machine's /run/fabricspec. */
async function inTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "fabricspec-lock-"));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const holderIn = (dir: string): unknown => JSON.parse(readFileSync(join(dir, "lock"), "utf8"));
const writeHolder = (dir: string, pid: number, what: string) => writeFileSync(join(dir, "lock"), JSON.stringify({ pid, what }));

/** A PID that ran and has ended (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

/** A process that lives until the test stops it (by its PID, in `finally`). */
async function withLiveProcess(body: (child: ChildProcess & { pid: number }) => Promise<void>): Promise<void> {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
  await new Promise((resolve, reject) => child.once("spawn", resolve).once("error", reject));
  const pid = child.pid;
  assert.ok(pid !== undefined);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    await body(Object.assign(child, { pid }));
  } finally {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, "SIGTERM");
    await exited;
  }
}

test("isAlive: this process is, an ended one is not", () => {
  assert.equal(isAlive(process.pid), true);
  assert.equal(isAlive(deadPid()), false);
});

test("acquire writes this process as the holder; release removes it, twice is harmless; then it can be taken again", async () => {
  await inTempDir(async (dir) => {
    const messages: string[] = [];
    const lock = await acquireLock(dir, "unit test", (m) => messages.push(m), 1000);
    assert.deepEqual(holderIn(dir), { pid: process.pid, what: "unit test" });
    lock.release();
    assert.equal(existsSync(join(dir, "lock")), false);
    lock.release();
    const again = await acquireLock(dir, "unit test again", () => {}, 1000);
    assert.deepEqual(holderIn(dir), { pid: process.pid, what: "unit test again" });
    again.release();
    assert.deepEqual(messages, []);
  });
});

test("release leaves a lock alone that another process has taken since", async () => {
  await inTempDir(async (dir) => {
    const lock = await acquireLock(dir, "unit test", () => {}, 1000);
    writeHolder(dir, 1, "someone else");
    lock.release();
    assert.deepEqual(holderIn(dir), { pid: 1, what: "someone else" });
  });
});

test("a lock left by a dead process is taken over without waiting", async () => {
  await inTempDir(async (dir) => {
    const dead = deadPid();
    writeHolder(dir, dead, "crashed run");
    const messages: string[] = [];
    const started = Date.now();
    const lock = await acquireLock(dir, "unit test", (m) => messages.push(m), 5000);
    assert.ok(Date.now() - started < 1000, "took over at once");
    assert.deepEqual(holderIn(dir), { pid: process.pid, what: "unit test" });
    assert.deepEqual(messages, []);
    lock.release();
  });
});

test("an unreadable lock file older than a second is taken over", async () => {
  await inTempDir(async (dir) => {
    writeFileSync(join(dir, "lock"), "{ half-written");
    const past = new Date(Date.now() - 10_000);
    utimesSync(join(dir, "lock"), past, past);
    const lock = await acquireLock(dir, "unit test", () => {}, 1000);
    assert.deepEqual(holderIn(dir), { pid: process.pid, what: "unit test" });
    lock.release();
  });
});

test("a live holder makes a second acquire wait, say so once, and give up naming the holder", async () => {
  await inTempDir(async (dir) => {
    await withLiveProcess(async (holder) => {
      writeHolder(dir, holder.pid, "npm test");
      const messages: string[] = [];
      const started = Date.now();
      await assert.rejects(acquireLock(dir, "unit test", (m) => messages.push(m), 1200), (error: unknown) => {
        assert.ok(error instanceof LabBusyError);
        assert.equal(error.message, `the lab is still held by pid ${holder.pid} (npm test) after 1 s`);
        return true;
      });
      assert.ok(Date.now() - started >= 1200, "waited the whole waitMs");
      assert.deepEqual(messages, [`waiting for the lab: pid ${holder.pid} is using it (npm test)`]);
      assert.deepEqual(holderIn(dir), { pid: holder.pid, what: "npm test" }, "the holder's lock is untouched");
    });
  });
});

test("a holder that ends while we wait: the lock is ours", async () => {
  await inTempDir(async (dir) => {
    await withLiveProcess(async (holder) => {
      writeHolder(dir, holder.pid, "npm test");
      const waiting = acquireLock(dir, "unit test", () => {}, 10_000);
      setTimeout(() => process.kill(holder.pid, "SIGTERM"), 300);
      const lock = await waiting;
      assert.deepEqual(holderIn(dir), { pid: process.pid, what: "unit test" });
      lock.release();
    });
  });
});

test("this process asking twice is an error at once, not a wait for itself", async () => {
  await inTempDir(async (dir) => {
    const lock = await acquireLock(dir, "first", () => {}, 1000);
    await assert.rejects(acquireLock(dir, "second", () => {}, 60_000), {
      name: "LabBusyError",
      message: "this process already holds the lab lock (first)",
    });
    lock.release();
  });
});
