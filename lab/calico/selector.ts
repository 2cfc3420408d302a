/**
 * Calico's label selectors, the subset a lab's resources need: `all()`, `has(key)`,
 * `key == 'value'`, `key != 'value'`, joined by `&&`. Anything else is reported, never guessed.
 */
export type Selector = (labels: Readonly<Record<string, string>>) => boolean;

const KEY = String.raw`[A-Za-z0-9][-A-Za-z0-9_./]*`;
const VALUE = String.raw`'([^']*)'|"([^"]*)"`;
const TERMS: ReadonlyArray<[RegExp, (m: RegExpExecArray) => Selector]> = [
  [/^all\(\)$/, () => () => true],
  [new RegExp(`^has\\((${KEY})\\)$`), (m) => (labels) => m[1] !== undefined && m[1] in labels],
  [new RegExp(`^(${KEY})\\s*==\\s*(?:${VALUE})$`), (m) => (labels) => labels[m[1] ?? ""] === (m[2] ?? m[3])],
  [new RegExp(`^(${KEY})\\s*!=\\s*(?:${VALUE})$`), (m) => (labels) => labels[m[1] ?? ""] !== (m[2] ?? m[3])],
];

/** A predicate over a node's labels, or the reason the selector is not understood. */
export function parseSelector(text: string): Selector | string {
  const terms = text.split("&&").map((t) => t.trim());
  const predicates: Selector[] = [];
  for (const term of terms) {
    const match = TERMS.map(([re, make]) => {
      const m = re.exec(term);
      return m ? make(m) : undefined;
    }).find((p) => p !== undefined);
    if (!match) {
      return `selector term "${term}" is not supported here; use all(), has(key), key == 'value' or key != 'value', joined by &&`;
    }
    predicates.push(match);
  }
  return (labels) => predicates.every((p) => p(labels));
}
