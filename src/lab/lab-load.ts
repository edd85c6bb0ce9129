import type { Model } from "../model/types.js";

/**
 * The model at the load the lab actually drives: `opsPerSec` per origin at the write share, in
 * place of the datastore's declared traffic (kept: the item size). Figures that depend on the rate
 * — the wait for a ReadIndex round (src/analysis/replication/read-index.ts), link queueing — are
 * then predicted for the workload that ran, not for the spec's production figures.
 */
export function atLabLoad(
  model: Model,
  datastore: string,
  opsPerSec: number,
  origins: number,
  writeShare: number,
): Model {
  const total = opsPerSec * origins;
  return {
    ...model,
    datastores: model.datastores.map((ds) =>
      ds.name !== datastore
        ? ds
        : {
            ...ds,
            // The lab's clients dial the members themselves (src/lab/clients), never a clusterset
            // Service: predicted as clients in their region, not entering at every member region.
            entersAtAnyMember: false,
            // Nor the cluster's own client Service: a region whose members are down is no dead end.
            localClientService: false,
            traffic: {
              ...ds.traffic,
              readsPerSec: total * (1 - writeShare),
              writesPerSec: total * writeShare,
              itemBytes: ds.traffic?.itemBytes ?? 1024,
            },
          },
    ),
  };
}
