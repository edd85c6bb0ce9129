import { networkView } from "../analysis/network.js";
import type { Failure } from "../analysis/types.js";
import type { Model } from "../model/types.js";
import type { LeaderSample } from "./run.js";

/**
 * The model with one datastore's preferred leader moved to `region` (every placement group whose
 * replicas include a voter there), so the analysis prices the leader a lab run actually saw: for an
 * engine without leader preference the model only names the candidates after a failover and prices
 * the worst (docs/model.md, What-if); the lab then compares what it measured with the figures for
 * the candidate that won. The model is otherwise unchanged; undefined when `region` holds no voter.
 */
export function withPreferredLeader(
  model: Model,
  datastore: string,
  region: string,
  failures: readonly Failure[] = [],
): Model | undefined {
  const ds = model.datastores.find((d) => d.name === datastore);
  if (ds === undefined) return undefined;
  // A live voter: an engine whose leader stays only while its own member lives (`incumbency`)
  // would otherwise hold another election in the re-analysis.
  const up = networkView(model, failures).slotUp;
  let moved = false;
  const groups = ds.groups.map((group) => {
    const voters = group.replicas.filter((r) => r.region === region && (r.role ?? "voter") === "voter");
    const slot = voters.find(up) ?? voters[0];
    if (slot === undefined) return group;
    moved = true;
    return { ...group, leader: slot };
  });
  if (!moved) return undefined;
  return {
    ...model,
    datastores: model.datastores.map((d) => (d === ds ? { ...ds, leader: region, groups } : d)),
  };
}

/**
 * One sample of who leads, stamped when the poll was sent. The members that answer do so at once
 * (the observer's paths have no delay); a lost member only holds the answer back until the poll's
 * timeout (1.5 s). So what the poll reports is the state at its start: stamping the answer instead
 * would add up to that timeout to every "time until a new leader".
 */
export async function sampleLeader(
  poll: () => Promise<string | undefined>,
  regionOf: (member: string) => string | undefined,
  now: () => number = Date.now,
): Promise<LeaderSample> {
  const at = now();
  const member = await poll();
  const region = member === undefined ? undefined : regionOf(member);
  return { at, ...(member === undefined ? {} : { member }), ...(region === undefined ? {} : { region }) };
}
