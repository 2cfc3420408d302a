/** One fabric on the bench: bring-ups and teardowns timed by phase, and its switches' memory while up. */
import type { LabDriver, Progress } from "../drivers/driver.js";
import { namespaceOf } from "../drivers/netns/plan.js";
import { LabBusyError } from "../errors.js";
import type { LabSession } from "../cli/run-lab.js";
import { namespaceMemory } from "./memory.js";
import { stats, type FabricResult, type FabricRun, type SwitchMemory } from "./results.js";

const MiB = 1024;

/** Memory per switch (the sum of its daemons), from the processes in each switch's namespace. */
export function switchMemory(driver: LabDriver): SwitchMemory | undefined {
  if (driver.name !== "netns") return undefined; // other labs' daemons run on other machines
  const perSwitch = namespaceMemory(driver.topology.switches.map((s) => namespaceOf(s.name)));
  const daemons = perSwitch.flatMap((s) => s.processes);
  if (daemons.length === 0) return undefined;
  const pss = perSwitch.map((s) => s.pssKiB);
  const byDaemon = new Map<string, number[]>();
  for (const p of daemons) byDaemon.set(p.program, [...(byDaemon.get(p.program) ?? []), (p.pssKiB ?? p.rssKiB ?? 0) / MiB]);
  return {
    pssMiB: pss.every((p) => p !== undefined) ? stats(pss.map((p) => (p ?? 0) / MiB)) : undefined,
    rssMiB: stats(perSwitch.map((s) => s.rssKiB / MiB)),
    perDaemonMiB: Object.fromEntries([...byDaemon].map(([name, values]) => [name, values.reduce((a, b) => a + b, 0) / values.length])),
    daemonsPerSwitch: daemons.length / perSwitch.length,
  };
}

/** Brings the lab of `driver` up and down `runs` times in `session`; measures memory on the first. */
export async function benchFabric(driver: LabDriver, session: LabSession, runs: number, progress: Progress): Promise<FabricResult> {
  const status = await driver.status();
  if (status.state !== "down") {
    throw new LabBusyError(`a lab is up (${status.topology}): the bench builds its own`, { hint: "npx fabricspec lab down" });
  }
  const t = driver.topology;
  const results: FabricRun[] = [];
  let memory: SwitchMemory | undefined;
  for (let run = 1; run <= runs; run++) {
    progress(`${t.name}: bring-up ${run} of ${runs} (${t.switches.length} switches, ${t.hosts.length} hosts)`);
    const started = performance.now();
    const up = await session.up();
    const upMs = Math.round(performance.now() - started);
    if (run === 1) memory = switchMemory(driver);
    const downStarted = performance.now();
    const downPhases = await session.down();
    const downMs = Math.round(performance.now() - downStarted);
    const killed = downPhases.reduce((sum, p) => sum + Number(/(\d+) killed/.exec(p.detail ?? "")?.[1] ?? 0), 0);
    results.push({ upMs, phases: up.phases, downMs, downPhases, killed });
  }
  const spines = t.switches.filter((s) => s.role === "spine").length;
  return { name: t.name, spines, leaves: t.switches.length - spines, hosts: t.hosts.length, switches: t.switches.length, runs: results, memory };
}
