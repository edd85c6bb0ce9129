import type { Model } from "../model/types.js";
import { datastoreFlows, type Flow, linkLoads } from "./bandwidth.js";
import { type DatastoreEvaluator, evaluateDatastore } from "./datastores.js";
import type { NetworkView } from "./network.js";
import { writeDemand } from "./origins.js";
import { evaluateStream, type StreamEvaluator, streamFlows } from "./streams.js";
import { clientFlows } from "./traffic.js";
import type { LinkLoad } from "./types.js";

/** Every datastore and stream under one network view, and the load their flows put on each link. */
export interface LoadedNetwork {
  readonly datastores: ReadonlyMap<string, DatastoreEvaluator>;
  readonly streams: ReadonlyMap<string, StreamEvaluator>;
  readonly flows: readonly Flow[];
  readonly links: readonly LinkLoad[];
  /** `from|to` → load. */
  readonly linkByKey: ReadonlyMap<string, LinkLoad>;
}

/**
 * Evaluates every datastore and stream, sums their replication, client and stream flows per link,
 * and hands the loads to the datastores (a follower behind a loaded link acknowledges later,
 * datastores.ts): what `analyse` and a single datastore's figure under failures (whatif.ts) share.
 */
export function loadedNetwork(model: Model, net: NetworkView): LoadedNetwork {
  const datastores = new Map<string, DatastoreEvaluator>(
    model.datastores.map((ds) => [ds.name, evaluateDatastore(ds, net, writeDemand(model, ds.name, net))]),
  );
  const streams = new Map<string, StreamEvaluator>(
    model.streams.map((stream) => [stream.name, evaluateStream(stream, net)]),
  );
  const flows: Flow[] = [
    ...[...datastores.values()].flatMap(datastoreFlows),
    ...[...datastores.values()].flatMap((ev) => clientFlows(model, ev, net)),
    ...[...streams.values()].flatMap((ev) => streamFlows(model, ev, net)),
  ];
  const links = linkLoads(model, flows, net.route);
  const linkByKey = new Map<string, LinkLoad>(links.map((link) => [`${link.from}|${link.to}`, link]));
  for (const ev of datastores.values()) ev.useLinks(linkByKey);
  return { datastores, streams, flows, links, linkByKey };
}
