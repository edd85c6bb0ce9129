import { type PolicyRunOptions, runPolicies } from "../../policies/run.js";
import { analyse } from "../analysis/index.js";
import { componentPathOf, type Diagnostic } from "../diagnostics/diagnostic.js";
import { modelIndex } from "../model/model-index.js";
import { type ChosenPlacement, resolveModel } from "../model/resolve.js";
import type { Model } from "../model/types.js";
import { validateTopology } from "../spec/validate.js";
import { type Candidate, keyOf, specFor } from "./candidate.js";

/**
 * Services whose requests depend on `name`: its callers, their callers, and so on. A placement of
 * `name` can change their latency and availability, so their findings are in scope.
 */
export function dependants(model: Model, name: string): Set<string> {
  const index = modelIndex(model);
  const found = new Set<string>();
  const frontier = [name];
  while (frontier.length > 0) {
    for (const service of index.callersOf(frontier.pop()!))
      if (!found.has(service.name)) {
        found.add(service.name);
        frontier.push(service.name);
      }
  }
  return found;
}

export interface FullCheck {
  /** Error findings a placement of the datastore can cause or cure (its own, its callers', links). */
  readonly errors: readonly Diagnostic[];
  /** Error findings elsewhere, which no placement of this datastore changes. */
  readonly elsewhere: readonly Diagnostic[];
}

/**
 * The ground truth for a candidate: the whole model resolved with it, analysed, and every policy
 * run as `check` runs them. Used on the few candidates that pass the datastore-level constraints.
 * (Analysing against the current placement's analysis, as `diff` does, kept few services: a new
 * placement moves link loads, and with them most datastores' figures; no faster, src/solve/README.md.)
 */
export function fullCheck(
  model: Model,
  name: string,
  candidate: Candidate,
  chosen: Readonly<Record<string, ChosenPlacement>>,
  policy: PolicyRunOptions,
): FullCheck {
  const resolved = resolveModel(model.topology, model.catalog, {
    ...chosen,
    [name]: candidate.leader === "" ? { placement: candidate.placement } : candidate,
  });
  const { findings } = runPolicies(resolved, analyse(resolved), policy);
  const errors = findings.filter((f) => f.severity === "error" && (f.status ?? "fail") === "fail");
  const scope = new Set([`datastores.${name}`, ...[...dependants(model, name)].map((s) => `services.${s}`)]);
  const inScope = (f: Diagnostic) => f.code === "bandwidth" || scope.has(componentPathOf(f.path));
  return {
    errors: [...invalidWith(model, name, candidate), ...errors.filter(inScope)],
    elsewhere: errors.filter((f) => !inScope(f)),
  };
}

/**
 * What `check` refuses as input once the candidate is written into the spec (exit 2): a
 * `leaderRegions` region left without a voter, `deploy.homeRegion` without a replica, a managed
 * service's per-region instance limit. Only the candidate's datastore differs from a spec that
 * passed, so these are its doing.
 */
function invalidWith(model: Model, name: string, candidate: Candidate): Diagnostic[] {
  const spec = model.topology.datastores[name];
  if (spec === undefined) return [];
  const written = {
    ...model.topology,
    datastores: { ...model.topology.datastores, [name]: specFor(spec, candidate) },
  };
  return validateTopology(written).diagnostics.filter((d) => d.severity === "error");
}

/**
 * A candidate's in-scope errors split by the current placement's (`before`): `standing` when the
 * same rule fails at the same path with it too — a caller's failure this placement does not cause
 * (its figures may move; never one on the datastore itself) — else `added`.
 */
export function splitStanding(
  name: string,
  errors: readonly Diagnostic[],
  before: readonly Diagnostic[],
): { added: Diagnostic[]; standing: Diagnostic[] } {
  // A rule failing at a path; the message is left out, as its figures move with the placement.
  const key = (f: Diagnostic) => `${f.code}\u0000${f.path}`;
  const failing = new Set(before.map(key));
  const own = `datastores.${name}`;
  const standing = (f: Diagnostic) => componentPathOf(f.path) !== own && failing.has(key(f));
  return { added: errors.filter((f) => !standing(f)), standing: errors.filter(standing) };
}

/**
 * Errors outside the datastore's scope that the current placement (`before`) does not have: a
 * placement's flows share links with other components (another store's replication lag over a
 * link it fills), so these are its doing after all. Matched by rule and path, as in splitStanding.
 */
export function causedElsewhere(
  elsewhere: readonly Diagnostic[],
  before: readonly Diagnostic[],
): Diagnostic[] {
  const key = (f: Diagnostic) => `${f.code}\u0000${f.path}`;
  const failing = new Set(before.map(key));
  return elsewhere.filter((f) => !failing.has(key(f)));
}

/** What a candidate's full check holds against it, judged against the current placement's. */
export interface Verdict {
  /** Errors it adds: in reach and not standing (splitStanding), or elsewhere and new (causedElsewhere). */
  readonly added: readonly Diagnostic[];
  /** Callers' errors it leaves failing as the current placement does. */
  readonly standing: readonly Diagnostic[];
  /** Every error outside its reach, new or not. */
  readonly elsewhere: readonly Diagnostic[];
}

export interface FullChecker {
  /**
   * The candidate's verdict: each placement is checked once, the current one only when needed.
   * `excused` findings (a relaxed constraint's own) are left out before anything is compared, so a
   * placement failing only those needs no check of the current placement.
   */
  verdict(candidate: Candidate, excused?: (finding: Diagnostic) => boolean): Verdict;
  /** A full check already made of this placement, if any (no new check). */
  made(candidate: Candidate): FullCheck | undefined;
  /**
   * Errors in reach (by rule and path) in every full check made, when there were two or more:
   * what no placement tried changed (a rule on the datastore itself, such as its consistency).
   */
  failingInEvery(): Diagnostic[];
  /** Full checks made so far, the current placement's included. */
  readonly count: number;
}

/**
 * Full checks of one datastore's placements, shared by the search for the answer and by the
 * advice (binding constraints, relaxations), so both judge a placement alike and none twice.
 */
export function fullChecker(
  model: Model,
  name: string,
  current: Candidate,
  chosen: Readonly<Record<string, ChosenPlacement>>,
  policy: PolicyRunOptions,
): FullChecker {
  const checks = new Map<string, FullCheck>();
  const check = (candidate: Candidate) => {
    const key = keyOf(candidate);
    let found = checks.get(key);
    if (found === undefined) {
      found = fullCheck(model, name, candidate, chosen, policy);
      checks.set(key, found);
    }
    return found;
  };
  return {
    verdict(candidate, excused = () => false) {
      const all = check(candidate);
      const errors = all.errors.filter((f) => !excused(f));
      const elsewhere = all.elsewhere.filter((f) => !excused(f));
      const { added, standing } =
        errors.length === 0
          ? { added: [], standing: [] }
          : splitStanding(name, errors, check(current).errors);
      // An error elsewhere the current placement does not have is this placement's doing.
      if (elsewhere.length > 0) added.push(...causedElsewhere(elsewhere, check(current).elsewhere));
      return { added, standing, elsewhere };
    },
    made: (candidate) => checks.get(keyOf(candidate)),
    failingInEvery() {
      // In reach only: errors elsewhere are no placement's doing and reported apart.
      const all = [...checks.values()].map((c) => c.errors);
      if (all.length < 2) return [];
      const key = (f: Diagnostic) => `${f.code}\u0000${f.path}`;
      const others = all.slice(1).map((errors) => new Set(errors.map(key)));
      return all[0]!.filter((f) => others.every((keys) => keys.has(key(f))));
    },
    get count() {
      return checks.size;
    },
  };
}
