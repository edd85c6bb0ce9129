import { zonesIn } from "../model/resolve.js";
import type { Model, UserOrigin } from "../model/types.js";
import { crossZoneShare, type Flow } from "./bandwidth.js";
import type { DatastoreEvaluator } from "./datastores.js";
import type { NetworkView } from "./network.js";
import { callersOf, demandOrigins, kubernetesShare } from "./origins.js";
import { holdsData, nearest } from "./replication/common.js";

/**
 * Client traffic between zones of one region, where it is billed (AWS: $0.01/GB each way, EC2 data
 * transfer pricing; Amazon RDS and MSK clients in another AZ pay it, DynamoDB's and S3's regional
 * endpoints do not), and client traffic that crosses regions: a service in region U writing to a
 * leader in L sends each write there (writesPerSec × itemBytes × U's share), and a read served in
 * another region sends the item back (readsPerSec × itemBytes × share) — both use the links and
 * cost egress like replication does. Requests go where the analysis sends them: writes to the leader (or the nearest
 * write region), strong reads to the leader, other reads to the nearest live replica holding data.
 * Only datastores that services call: users' own requests arrive over the internet, not over the
 * topology's links; and only calls that are made: a Kubernetes client whose region's members are
 * all down fails its calls there (datastores.ts `localCallFails`) and sends nothing on. Each
 * origin's demand splits between its Kubernetes callers and the others, as services.ts prices them.
 * Measured for the typical placement group (geo-partitioned stores: simplified).
 */
export function clientFlows(model: Model, ev: DatastoreEvaluator, net: NetworkView): Flow[] {
  const { ds } = ev;
  const traffic = ds.traffic;
  if (traffic === undefined || callersOf(model, ds.name).length === 0) return [];
  const state = ev.main;
  const writeTargets = state.leader !== undefined ? [state.leader] : ev.sources(state).map((s) => s.region);
  const dataRegions = state.alive.filter(holdsData).map((slot) => slot.region);
  // Strong reads, and every read of an engine whose clients reach only the primary, go to the leader.
  const strong = (ds.consistency === "strong" || ds.readsAtPrimary) && state.leader !== undefined;
  const flows: Flow[] = [];
  const none: readonly UserOrigin[] = [];
  const add = (op: "read" | "write", perSec: number, target: (origin: string) => string | undefined) => {
    if (perSec === 0) return;
    const toClient = op === "read";
    const onKubernetes = kubernetesShare(model, ds.name, op, net);
    // From → to, or back for a read's reply.
    const leg = (from: string, to: string, bytesPerSec: number) =>
      flows.push(
        toClient
          ? { component: ds.name, from: to, to: from, bytesPerSec }
          : { component: ds.name, from, to, bytesPerSec },
      );
    for (const origin of demandOrigins(model, ds.name, op, net, none)) {
      const bytesPerSec = perSec * traffic.itemBytes * origin.share;
      // Kubernetes callers' requests enter where their cluster and clusterset names lead (every
      // member region through the clusterset name), or nowhere when their calls fail; the other
      // callers' go to the store from their own region.
      const k8s = onKubernetes(origin.region);
      const entries = [
        ...(k8s > 0 && !ev.localCallFails(origin.region, op)
          ? ev.entries(origin.region, op).map((e) => ({ region: e.region, share: e.share * k8s }))
          : []),
        ...(k8s < 1 ? [{ region: origin.region, share: 1 - k8s }] : []),
      ];
      for (const entry of entries) {
        const to = target(entry.region);
        if (to === undefined || !net.connected(entry.region, to)) continue;
        const bytes = bytesPerSec * entry.share;
        if (entry.region !== origin.region) leg(origin.region, entry.region, bytes);
        if (to !== entry.region) leg(entry.region, to, bytes);
        else if (entry.region === origin.region) {
          // Served in the client's own region: the bytes of clients in another zone than the
          // replica they reach cross zones (a `from === to` flow: billed, no link).
          const crossing = bytes * crossZoneShare(zonesOfRegion(to));
          if (billsClientsAcrossZones && crossing > 0)
            flows.push({ component: ds.name, from: to, to, bytesPerSec: crossing });
        }
      }
    }
  };
  // Clients spread over the region's zones (their services' default), whichever the replicas take.
  const regionZones = zonesIn(model.catalog);
  const zonesOfRegion = (region: string) => regionZones(region).length;
  const billsClientsAcrossZones =
    ds.deploy.target === "kubernetes" ||
    (ds.deploy.target === "aws" && ds.deploy.service === "aurora-postgresql");
  add("write", traffic.writesPerSec, (o) => nearest(o, writeTargets, net)?.region);
  add("read", traffic.readsPerSec, (o) => (strong ? state.leader : nearest(o, dataRegions, net)?.region));
  return flows;
}
