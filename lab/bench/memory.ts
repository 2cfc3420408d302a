/**
 * Memory of the processes in a set of network namespaces, from the kernel's own accounting of
 * each process (never a daemon's report of itself, such as vtysh's `show memory`):
 * - PSS (/proc/PID/smaps_rollup): each page shared by n processes counts 1/n to each, so the sum
 *   over a lab is what the lab costs the machine; FRR's daemons share libfrr and libc, which RSS
 *   would count once per daemon;
 * - RSS (/proc/PID/status VmRSS), the figure `ps` and top show, for comparison.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";

export interface ProcessMemory {
  readonly pid: number;
  /** The program's name (/proc/PID/comm): zebra, bgpd, staticd... */
  readonly program: string;
  readonly pssKiB: number | undefined;
  readonly rssKiB: number | undefined;
}

export interface NamespaceMemory {
  readonly namespace: string;
  readonly processes: readonly ProcessMemory[];
  /** Sums over its processes; PSS undefined when the kernel has no smaps_rollup (before 4.14). */
  readonly pssKiB: number | undefined;
  readonly rssKiB: number;
}

/** The value of `key:` in a /proc file of `key: value kB` lines, in KiB. */
export function kibOf(text: string, key: string): number | undefined {
  const match = new RegExp(`^${key}:\\s+(\\d+) kB$`, "m").exec(text);
  return match ? Number(match[1]) : undefined;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // ended meanwhile, or not ours to read
  }
}

/** One pass over /proc: the memory of every process in each of the named network namespaces. */
export function namespaceMemory(namespaces: readonly string[], proc = "/proc", netnsDir = "/run/netns"): NamespaceMemory[] {
  const byInode = new Map<number, string>();
  for (const name of namespaces) {
    try {
      byInode.set(statSync(`${netnsDir}/${name}`).ino, name);
    } catch {
      // not there: it has no processes
    }
  }
  const found = new Map<string, ProcessMemory[]>(namespaces.map((n) => [n, []]));
  for (const entry of readdirSync(proc)) {
    if (!/^\d+$/.test(entry)) continue;
    let inode: number;
    try {
      inode = statSync(`${proc}/${entry}/ns/net`).ino;
    } catch {
      continue;
    }
    const namespace = byInode.get(inode);
    if (namespace === undefined) continue;
    const rollup = read(`${proc}/${entry}/smaps_rollup`);
    const status = read(`${proc}/${entry}/status`);
    found.get(namespace)?.push({
      pid: Number(entry),
      program: (read(`${proc}/${entry}/comm`) ?? "?").trim(),
      pssKiB: rollup === undefined ? undefined : kibOf(rollup, "Pss"),
      rssKiB: status === undefined ? undefined : kibOf(status, "VmRSS"),
    });
  }
  return namespaces.map((namespace) => {
    const processes = (found.get(namespace) ?? []).sort((a, b) => a.program.localeCompare(b.program));
    const pss = processes.map((p) => p.pssKiB);
    return {
      namespace,
      processes,
      pssKiB: pss.some((p) => p === undefined) ? undefined : pss.reduce<number>((sum, p) => sum + (p ?? 0), 0),
      rssKiB: processes.reduce((sum, p) => sum + (p.rssKiB ?? 0), 0),
    };
  });
}
