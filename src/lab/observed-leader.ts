import type { Model } from "../model/types.js";

/**
 * The model with one datastore's preferred leader moved to `region` (every placement group whose
 * replicas include a voter there), so the analysis prices the leader a lab run actually saw: for an
 * engine without leader preference the model only names the candidates after a failover and prices
 * the worst (docs/model.md, What-if); the lab then compares what it measured with the figures for
 * the candidate that won. The model is otherwise unchanged; undefined when `region` holds no voter.
 */
export function withPreferredLeader(model: Model, datastore: string, region: string): Model | undefined {
  const ds = model.datastores.find((d) => d.name === datastore);
  if (ds === undefined) return undefined;
  let moved = false;
  const groups = ds.groups.map((group) => {
    const slot = group.replicas.find((r) => r.region === region && (r.role ?? "voter") === "voter");
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
