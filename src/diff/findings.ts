import { componentPathOf, type Diagnostic } from "../diagnostics/diagnostic.js";
import { messageShape } from "../report/fingerprint.js";

export interface FindingDelta {
  /** Failing in the new version, not in the old one (by rule and path). */
  readonly introduced: readonly Diagnostic[];
  /** Failing in the old version, not in the new one, of components the new one still has. */
  readonly fixed: readonly Diagnostic[];
  /** Failing in the old version at a component the change removes: gone with it, not fixed. */
  readonly removed: readonly Diagnostic[];
}

/** A finding's identity across versions: its rule and path; the message carries figures that move. */
const place = (d: Diagnostic) => `${d.code}\u0000${d.path}\u0000${d.status ?? "fail"}`;
/** Closer: the words of its message too, which tell apart several findings of one rule at one path. */
const wording = (d: Diagnostic) => `${place(d)}\u0000${messageShape(d.message)}`;

/**
 * Pairs findings of `after` with unpaired ones of `before` that have the same key, one for one
 * (a multiset: three findings at a path before and two after leave one fixed). Marks what it pairs.
 */
function pair(
  before: readonly Diagnostic[],
  after: readonly Diagnostic[],
  paired: { readonly before: Set<number>; readonly after: Set<number> },
  key: (d: Diagnostic) => string,
): void {
  const open = new Map<string, number[]>();
  before.forEach((d, i) => {
    if (paired.before.has(i)) return;
    const k = key(d);
    const list = open.get(k);
    if (list === undefined) open.set(k, [i]);
    else list.push(i);
  });
  after.forEach((d, i) => {
    if (paired.after.has(i)) return;
    const match = open.get(key(d))?.shift();
    if (match === undefined) return;
    paired.before.add(match);
    paired.after.add(i);
  });
}

/**
 * Findings the change introduces and fixes. Same wording pairs first, then same rule and path, so
 * a finding whose figures or wording moved is neither new nor fixed, and one of several findings
 * of a rule at one path that goes away is fixed. Linear in the number of findings.
 */
export function compareFindings(
  before: readonly Diagnostic[],
  after: readonly Diagnostic[],
  removedPaths: ReadonlySet<string> = new Set(),
): FindingDelta {
  const paired = { before: new Set<number>(), after: new Set<number>() };
  pair(before, after, paired, wording);
  pair(before, after, paired, place);
  const gone = before.filter((_, i) => !paired.before.has(i));
  const ofRemoved = (d: Diagnostic) => removedPaths.has(componentPathOf(d.path));
  return {
    introduced: after.filter((_, i) => !paired.after.has(i)),
    fixed: gone.filter((d) => !ofRemoved(d)),
    removed: gone.filter(ofRemoved),
  };
}
