import { datastoreFlows, type Flow, linkLoads } from "../analysis/bandwidth.js";
import { availabilityCap } from "../analysis/caps.js";
import { componentEgress } from "../analysis/cost.js";
import { evaluateDatastore } from "../analysis/datastores.js";
import { analyseDatastore } from "../analysis/index.js";
import { networkView } from "../analysis/network.js";
import { demandOrigins, writeDemand } from "../analysis/origins.js";
import { evaluateStream, streamFlows } from "../analysis/streams.js";
import { clientFlows } from "../analysis/traffic.js";
import type { DatastoreAnalysis, LinkLoad } from "../analysis/types.js";
import { resolveDatastoreIn } from "../model/resolve.js";
import type { Model, UserOrigin } from "../model/types.js";
import type { Datastore } from "../spec/schema/topology.js";
import { type Candidate, specFor } from "./candidate.js";

/**
 * The analysis of one datastore under a candidate placement, everything else held as declared.
 * Built once per solve: the network view covers every candidate region, and the replication flows
 * of the other components are computed once; per candidate only this datastore is resolved and
 * evaluated (src/analysis `evaluateDatastore` + `analyseDatastore`, the functions `analyse` uses),
 * with link loads summed only over the links its own flows touch.
 */
export interface DatastoreOracle {
  readonly spec: Datastore;
  evaluate(candidate: Candidate): DatastoreAnalysis;
  /** The analysis' median RTT (cross-zone within a region). */
  rtt(a: string, b: string): number;
  /** The analysis' p99 RTT: the median plus measured jitter, or × the flat tail factor. */
  rtt99(a: string, b: string): number;
  /**
   * Where services call this datastore from, per operation, with their shares — the origins of its
   * client flows (src/analysis/traffic.ts), which do not depend on its placement.
   */
  readonly clientOrigins: Readonly<Record<"read" | "write", readonly UserOrigin[]>>;
}

export function datastoreOracle(model: Model, name: string, regions: readonly string[]): DatastoreOracle {
  const spec = model.topology.datastores[name];
  if (spec === undefined) throw new Error(`no datastore ${name}`);
  const everyRegion = [...new Set([...model.regions, ...regions])].sort();
  const net = networkView({ ...model, regions: everyRegion }, []);

  // Other components' flows by directed link: a link this datastore touches sums them with its own.
  const others = new Map<string, Flow[]>();
  const otherFlows = [
    ...model.datastores
      .filter((ds) => ds.name !== name)
      .flatMap((ds) => {
        const ev = evaluateDatastore(ds, net, writeDemand(model, ds.name, net));
        return [...datastoreFlows(ev), ...clientFlows(model, ev, net)];
      }),
    ...model.streams.flatMap((stream) => streamFlows(model, evaluateStream(stream, net), net)),
  ];
  for (const flow of otherFlows) {
    const key = `${flow.from}|${flow.to}`;
    others.set(key, [...(others.get(key) ?? []), flow]);
  }

  const demand = writeDemand(model, name, net);
  const none: readonly UserOrigin[] = [];
  const clientOrigins = {
    read: demandOrigins(model, name, "read", net, none),
    write: demandOrigins(model, name, "write", net, none),
  };
  return {
    spec,
    rtt: net.rtt,
    rtt99: net.rtt99,
    clientOrigins,
    evaluate(candidate) {
      const ds = resolveDatastoreIn(model, name, specFor(spec, candidate));
      const ev = evaluateDatastore(ds, net, demand);
      // Its replication and its clients' cross-region traffic, as `analyse` counts them.
      const own = [...datastoreFlows(ev), ...clientFlows(model, ev, net)];
      const flows = [...own];
      const touched = new Set(own.map((flow) => `${flow.from}|${flow.to}`));
      for (const key of touched) flows.push(...(others.get(key) ?? []));
      const links = linkLoads(model, flows);
      const linkByKey = new Map<string, LinkLoad>(links.map((link) => [`${link.from}|${link.to}`, link]));
      ev.useLinks(linkByKey);
      return analyseDatastore(
        model,
        ev,
        net,
        linkByKey,
        [],
        componentEgress(model.catalog, flows, links),
        availabilityCap(model, ds),
      );
    },
  };
}
