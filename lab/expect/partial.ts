/**
 * One partial matcher for structured output, after FRR topotests' `json_cmp`: the expected value is
 * a subset of the actual one, and every difference is reported with its path.
 *   objects  every expected key is there and matches; other keys are fine; `null` expects the key absent
 *   arrays   every expected element matches an element of the actual array, in any order, each
 *            actual element used once (`ordered`: position by position)
 *   scalars  equal (===)
 * `exact` (topotests' exact=True) also rejects keys and elements the expected value does not name.
 * Judges turn differences into sentences in the network's words; `describeDifference` is the
 * generic one: `peers["172.16.0.4"].state: expected "Established", found "Active"`.
 */

export type Path = ReadonlyArray<string | number>;

/** Nothing there: the `found` of a missing key or element, the `expected` of an unexpected one. */
export const ABSENT: unique symbol = Symbol("absent");
export type Absent = typeof ABSENT;

export interface Difference {
  /** Keys and indexes from the top, e.g. ["peers", "172.16.0.4", "state"]. */
  readonly path: Path;
  readonly expected: unknown;
  readonly found: unknown;
}

export interface MatchOptions {
  /** No keys beyond the expected ones, no elements beyond the expected ones. */
  readonly exact?: boolean;
  /** Arrays compared position by position (topotests' "__ordered__"). */
  readonly ordered?: boolean;
}

/** Every way `actual` differs from the `expected` subset; empty when it matches. */
export function differences(actual: unknown, expected: unknown, options: MatchOptions = {}): Difference[] {
  return compare(actual, expected, [], options);
}

/** `actual` contains `expected`. */
export function matches(actual: unknown, expected: unknown, options: MatchOptions = {}): boolean {
  return differences(actual, expected, options).length === 0;
}

function compare(actual: unknown, expected: unknown, path: Path, options: MatchOptions): Difference[] {
  if (isObject(expected)) {
    if (!isObject(actual)) return [{ path, expected, found: actual }];
    return compareObjects(actual, expected, path, options);
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [{ path, expected, found: actual }];
    return options.ordered ? compareOrdered(actual, expected, path, options) : compareUnordered(actual, expected, path, options);
  }
  return Object.is(actual, expected) ? [] : [{ path, expected, found: actual }];
}

function compareObjects(actual: Record<string, unknown>, expected: Record<string, unknown>, path: Path, options: MatchOptions): Difference[] {
  const found: Difference[] = [];
  for (const [key, want] of Object.entries(expected)) {
    const here = [...path, key];
    const present = Object.hasOwn(actual, key) && actual[key] !== undefined;
    if (want === null) {
      if (present) found.push({ path: here, expected: ABSENT, found: actual[key] });
    } else if (!present) {
      found.push({ path: here, expected: want, found: ABSENT });
    } else {
      found.push(...compare(actual[key], want, here, options));
    }
  }
  if (options.exact) {
    for (const [key, value] of Object.entries(actual)) {
      if (!Object.hasOwn(expected, key) && value !== undefined) found.push({ path: [...path, key], expected: ABSENT, found: value });
    }
  }
  return found;
}

function compareOrdered(actual: readonly unknown[], expected: readonly unknown[], path: Path, options: MatchOptions): Difference[] {
  const found = expected.flatMap((want, i) => (i < actual.length ? compare(actual[i], want, [...path, i], options) : [{ path: [...path, i], expected: want, found: ABSENT }]));
  if (options.exact) for (let i = expected.length; i < actual.length; i++) found.push({ path: [...path, i], expected: ABSENT, found: actual[i] });
  return found;
}

function compareUnordered(actual: readonly unknown[], expected: readonly unknown[], path: Path, options: MatchOptions): Difference[] {
  const used = new Set<number>();
  const found: Difference[] = [];
  expected.forEach((want, i) => {
    const match = actual.findIndex((candidate, j) => !used.has(j) && compare(candidate, want, [], options).length === 0);
    if (match >= 0) used.add(match);
    else found.push({ path: [...path, i], expected: want, found: ABSENT });
  });
  if (options.exact) actual.forEach((value, j) => used.has(j) || found.push({ path: [...path, j], expected: ABSENT, found: value }));
  return found;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `peers["172.16.0.4"].state: expected "Established", found "Active"`. */
export function describeDifference(d: Difference): string {
  return `${formatPath(d.path)}: expected ${describeValue(d.expected)}, found ${describeValue(d.found)}`;
}

function describeValue(value: unknown): string {
  return value === ABSENT ? "nothing" : JSON.stringify(value);
}

/** `peers["172.16.0.0"].state`, `[3].dst`: where in a value something is. */
export function formatPath(path: Path): string {
  if (path.length === 0) return "(top level)";
  return path
    .map((key, index) => {
      if (typeof key === "number") return `[${key}]`;
      if (/^[A-Za-z_$][\w$]*$/.test(key)) return index === 0 ? key : `.${key}`;
      return `[${JSON.stringify(key)}]`;
    })
    .join("");
}
