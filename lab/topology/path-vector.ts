/**
 * BGP's converged state over a set of eBGP speakers, computed the way BGP reaches it: each speaker
 * originates its prefixes and advertises its best paths to its peers, prepending its AS; a
 * receiver drops a path that carries its own AS (more often than its allowas-in permits); the
 * shortest AS path wins, and with `bgp bestpath as-path multipath-relax` every neighbor offering a
 * path of that length is an equal-cost next hop, whatever its AS.
 *
 * Pure data in, pure data out: the topology model builds the speakers (model.ts), the judges read
 * the result. No hop counts: with all spines in one AS, a spine never learns a path through
 * another spine, whatever the links allow.
 */

/** A BGP speaker: who it is, what it originates, whom it peers with (sessions that are up). */
export interface Speaker {
  readonly name: string;
  readonly asn: number;
  /** How often its own AS may appear in a path it accepts (`neighbor ... allowas-in N`; 0: never). */
  readonly allowasIn: number;
  readonly originates: readonly string[];
  /** Its established sessions, in configuration order: the neighbor's address and name. */
  readonly sessions: ReadonlyArray<{ readonly address: string; readonly node: string }>;
}

/** A speaker's best route to one prefix another speaker originates. */
export interface BestRoute {
  readonly prefix: string;
  /** The speaker that originates it. */
  readonly origin: string;
  /** Every equal-cost next hop: the neighbors whose best paths are shortest, in session order. */
  readonly nextHops: ReadonlyArray<{ readonly address: string; readonly node: string }>;
  /** The AS paths of those best paths as received (the neighbor's AS first), without duplicates. */
  readonly asPaths: ReadonlyArray<readonly number[]>;
}

interface Reached {
  readonly paths: ReadonlyArray<readonly number[]>;
  readonly nextHops: BestRoute["nextHops"];
}

/**
 * The best routes of every speaker, keyed by speaker name, ordered by originating speaker (in the
 * order given) and then by the order it originates its prefixes.
 *
 * Breadth-first by AS-path length: a speaker's best path is one AS longer than the best of the
 * neighbor it came from, so all speakers whose best has length k are settled from those of length
 * k-1. A neighbor with several best paths advertises one of them, which one depends on timing
 * (route age); where they differ in what a receiver accepts, the receiver is taken to accept it.
 */
export function converge(speakers: readonly Speaker[]): Map<string, BestRoute[]> {
  const byName = new Map(speakers.map((s) => [s.name, s]));
  const result = new Map<string, BestRoute[]>(speakers.map((s) => [s.name, []]));
  for (const origin of speakers) {
    const reached = new Map<string, Reached>([[origin.name, { paths: [[]], nextHops: [] }]]);
    let frontier = [origin];
    while (frontier.length > 0) {
      const settled = new Map<string, Reached>();
      const offering = new Set(frontier.map((s) => s.name));
      for (const receiver of speakers) {
        if (reached.has(receiver.name)) continue;
        const best = bestFrom(receiver, offering, (n) => ({ speaker: byName.get(n), reached: reached.get(n) }));
        if (best) settled.set(receiver.name, best);
      }
      for (const [name, best] of settled) reached.set(name, best);
      frontier = [...settled.keys()].flatMap((n) => byName.get(n) ?? []);
    }
    for (const [name, best] of reached) {
      if (name === origin.name) continue;
      for (const prefix of origin.originates) result.get(name)?.push({ prefix, origin: origin.name, ...pick(best) });
    }
  }
  return result;
}

function pick(best: Reached): Pick<BestRoute, "nextHops" | "asPaths"> {
  return { nextHops: best.nextHops, asPaths: best.paths };
}

/** What `receiver` accepts from the neighbors in `offering`, or undefined when it accepts nothing. */
function bestFrom(
  receiver: Speaker,
  offering: ReadonlySet<string>,
  lookup: (name: string) => { speaker: Speaker | undefined; reached: Reached | undefined },
): Reached | undefined {
  const paths = new Map<string, readonly number[]>();
  const nextHops: Array<BestRoute["nextHops"][number]> = [];
  for (const session of receiver.sessions) {
    if (!offering.has(session.node)) continue;
    const { speaker, reached } = lookup(session.node);
    // A session is up only when both ends have it.
    if (!speaker || !reached || !speaker.sessions.some((s) => s.node === receiver.name)) continue;
    const accepted = reached.paths
      .map((p) => [speaker.asn, ...p])
      .filter((p) => p.filter((asn) => asn === receiver.asn).length <= receiver.allowasIn);
    if (accepted.length === 0) continue;
    nextHops.push({ address: session.address, node: session.node });
    for (const p of accepted) paths.set(p.join(" "), p);
  }
  return nextHops.length > 0 ? { paths: [...paths.values()], nextHops } : undefined;
}
