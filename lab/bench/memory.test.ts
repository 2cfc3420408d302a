import { test } from "node:test";
import assert from "node:assert/strict";
import { linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kibOf, namespaceMemory } from "./memory.js";

const ROLLUP = "55cf9c963000-7ffca4a50000 ---p 00000000 00:00 0                          [rollup]\nRss:               13768 kB\nPss:                4254 kB\nPss_Anon:           2116 kB\n";

/** A fake /proc and /run/netns: a process is in a namespace when its ns/net is a hard link of the namespace's file (same inode). */
function fakeMachine(processes: Record<string, { namespace: string; comm: string; pss?: number; rss: number }>) {
  const root = mkdtempSync(join(tmpdir(), "fabricspec-memory-"));
  mkdirSync(join(root, "netns"));
  for (const ns of ["fs-leaf1", "fs-spine1", "other"]) writeFileSync(join(root, "netns", ns), "");
  for (const [pid, p] of Object.entries(processes)) {
    const dir = join(root, "proc", pid);
    mkdirSync(join(dir, "ns"), { recursive: true });
    linkSync(join(root, "netns", p.namespace), join(dir, "ns", "net"));
    writeFileSync(join(dir, "comm"), `${p.comm}\n`);
    writeFileSync(join(dir, "status"), `Name:\t${p.comm}\nVmRSS:\t    ${p.rss} kB\n`);
    if (p.pss !== undefined) writeFileSync(join(dir, "smaps_rollup"), ROLLUP.replace("4254", String(p.pss)));
  }
  mkdirSync(join(root, "proc", "self"), { recursive: true });
  return root;
}

test("kibOf reads one key of a /proc file", () => {
  assert.equal(kibOf(ROLLUP, "Pss"), 4254);
  assert.equal(kibOf(ROLLUP, "Rss"), 13768);
  assert.equal(kibOf(ROLLUP, "Swap"), undefined);
});

test("sums each namespace's processes, PSS and RSS, and leaves other namespaces out", () => {
  const root = fakeMachine({
    "101": { namespace: "fs-leaf1", comm: "zebra", pss: 4000, rss: 12000 },
    "102": { namespace: "fs-leaf1", comm: "bgpd", pss: 5000, rss: 14000 },
    "201": { namespace: "fs-spine1", comm: "bgpd", pss: 4500, rss: 13000 },
    "301": { namespace: "other", comm: "sshd", pss: 9999, rss: 9999 },
  });
  try {
    const [leaf1, spine1, missing] = namespaceMemory(["fs-leaf1", "fs-spine1", "fs-gone"], join(root, "proc"), join(root, "netns"));
    assert.deepEqual(leaf1?.processes.map((p) => p.program), ["bgpd", "zebra"]);
    assert.equal(leaf1?.pssKiB, 9000);
    assert.equal(leaf1?.rssKiB, 26000);
    assert.equal(spine1?.pssKiB, 4500);
    assert.deepEqual(missing, { namespace: "fs-gone", processes: [], pssKiB: 0, rssKiB: 0 });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("PSS is unknown, not zero, when the kernel has no smaps_rollup", () => {
  const root = fakeMachine({ "101": { namespace: "fs-leaf1", comm: "zebra", rss: 12000 } });
  try {
    const [leaf1] = namespaceMemory(["fs-leaf1"], join(root, "proc"), join(root, "netns"));
    assert.equal(leaf1?.pssKiB, undefined);
    assert.equal(leaf1?.rssKiB, 12000);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
