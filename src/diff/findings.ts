import { componentPathOf, type Diagnostic } from "../diagnostics/diagnostic.js";
import { messageShape } from "../report/fingerprint.js";

export interface FindingDelta {
  /** Failing in the new version, not in the old one (by rule and path). */
  readonly introduced: readonly Diagnostic[];
  /** Failing in the old version, not in the new one, of components the new one still has. */
  readonly fixed: readonly Diagnostic[];
  /** Failing in the old version at a component the change removes: gone with it, not fixed. */
  readonly removed: readonly Diagnostic[];
  /**
   * Failing in the old version and silenced in the new one — suppressed, or its rule disabled by
   * the change: still true, not fixed, and a reviewer must see it.
   */
  readonly silenced: readonly Diagnostic[];
  /** Error-level findings of the new version that the old one had too: what still fails `check`. */
  readonly standingErrors: readonly Diagnostic[];
}

/** What the new version silences: its suppressed findings, and the rules the change disables. */
export interface Silenced {
  readonly suppressed: readonly Diagnostic[];
  readonly disabled: ReadonlySet<string>;
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
  paired: { readonly before: Set<number>; readonly after: Set<number>; readonly with?: Map<number, number> },
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
    paired.with?.set(i, match);
  });
}

/**
 * Findings the change introduces and fixes. Same wording pairs first, then same rule and path, so
 * a finding whose figures or wording moved is neither new nor fixed, and one of several findings
 * of a rule at one path that goes away is fixed — unless `silenced` says the new version
 * suppresses it or disabled its rule. Linear in the number of findings.
 */
export function compareFindings(
  before: readonly Diagnostic[],
  after: readonly Diagnostic[],
  removedPaths: ReadonlySet<string> = new Set(),
  silenced: Silenced = { suppressed: [], disabled: new Set() },
): FindingDelta {
  const paired = { before: new Set<number>(), after: new Set<number>(), with: new Map<number, number>() };
  pair(before, after, paired, wording);
  pair(before, after, paired, place);
  // A finding that was not an error and is one now (policies.severity raised it) is a new error:
  // new, though its old self is not fixed.
  const isError = (d: Diagnostic) => d.severity === "error" && d.status !== "unknown";
  for (const [i, j] of paired.with) if (isError(after[i]!) && !isError(before[j]!)) paired.after.delete(i);
  const goneAt = before.flatMap((_, i) => (paired.before.has(i) ? [] : [i]));
  // Of what is gone, what the new version suppresses (paired the same way) or no longer runs.
  // Starts with what is paired already, so that only what is gone pairs with a suppressed finding.
  const hushed = { before: new Set(paired.before), after: new Set<number>() };
  pair(before, silenced.suppressed, hushed, wording);
  pair(before, silenced.suppressed, hushed, place);
  const isSilenced = (i: number) =>
    (hushed.before.has(i) && !paired.before.has(i)) || silenced.disabled.has(before[i]!.code);
  const ofRemoved = (d: Diagnostic) => removedPaths.has(componentPathOf(d.path));
  const gone = goneAt.filter((i) => !isSilenced(i)).map((i) => before[i]!);
  return {
    introduced: after.filter((_, i) => !paired.after.has(i)),
    fixed: gone.filter((d) => !ofRemoved(d)),
    removed: gone.filter(ofRemoved),
    silenced: goneAt.filter(isSilenced).map((i) => before[i]!),
    standingErrors: after.filter((d, i) => paired.after.has(i) && isError(d)),
  };
}
