import { componentPathOf, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Model } from "../model/types.js";
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

/**
 * What a finding's path stands for in one version, where the spec numbers what it lists: a call
 * is named by its callee and op (`services.api.calls[→orders write]`), a link by its two regions.
 * Removing or reordering a service's calls moves the findings of the others to other indices;
 * keyed by index, they paired with unrelated findings there or read as fixed and introduced.
 */
export type FindingPlace = (path: string) => string;

const AS_WRITTEN: FindingPlace = (path) => path;

/** {@link FindingPlace} of a model: its calls by callee and op, its links by their regions. */
export function findingPlaces(model: Model): FindingPlace {
  const named = new Map<string, string>();
  for (const service of model.services) {
    const seen = new Map<string, number>();
    for (const call of service.calls) {
      const what = `${call.op} ${call.to}`;
      const nth = seen.get(what) ?? 0;
      seen.set(what, nth + 1);
      named.set(call.path, `${service.path}.calls[→${what}${nth === 0 ? "" : ` #${nth + 1}`}]`);
    }
  }
  for (const link of model.links)
    named.set(`network.links[${link.index}]`, `network.links[${link.between.join("/")}]`);
  return (path) => {
    for (const indexed of path.matchAll(/\[\d+\]/g)) {
      const end = indexed.index + indexed[0].length;
      const stable = named.get(path.slice(0, end));
      if (stable !== undefined) return stable + path.slice(end);
    }
    return path;
  };
}

/** A finding's identity across versions: its rule and place; the message carries figures that move. */
const placeOf = (at: FindingPlace) => (d: Diagnostic) =>
  `${d.code}\u0000${at(d.path)}\u0000${d.status ?? "fail"}`;
/** Closer: the words of its message too, which tell apart several findings of one rule at one place. */
const wordingOf = (at: FindingPlace) => {
  const place = placeOf(at);
  return (d: Diagnostic) => `${place(d)}\u0000${messageShape(d.message)}`;
};

/**
 * Pairs findings of `after` with unpaired ones of `before` that have the same key, one for one
 * (a multiset: three findings at a path before and two after leave one fixed). Marks what it pairs.
 */
function pair(
  before: readonly Diagnostic[],
  after: readonly Diagnostic[],
  paired: { readonly before: Set<number>; readonly after: Set<number>; readonly with?: Map<number, number> },
  keys: { readonly before: (d: Diagnostic) => string; readonly after: (d: Diagnostic) => string },
): void {
  const open = new Map<string, number[]>();
  before.forEach((d, i) => {
    if (paired.before.has(i)) return;
    const k = keys.before(d);
    const list = open.get(k);
    if (list === undefined) open.set(k, [i]);
    else list.push(i);
  });
  after.forEach((d, i) => {
    if (paired.after.has(i)) return;
    const match = open.get(keys.after(d))?.shift();
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
  places: { readonly before: FindingPlace; readonly after: FindingPlace } = {
    before: AS_WRITTEN,
    after: AS_WRITTEN,
  },
): FindingDelta {
  const wording = { before: wordingOf(places.before), after: wordingOf(places.after) };
  const place = { before: placeOf(places.before), after: placeOf(places.after) };
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
