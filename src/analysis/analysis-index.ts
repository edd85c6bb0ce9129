import type { Analysis, DatastoreAnalysis, LinkLoad, ServiceAnalysis, StreamAnalysis } from "./types.js";

/** An analysis's results by component name and links by `from|to`: built once per analysis. */
export interface AnalysisIndex {
  datastore(name: string): DatastoreAnalysis | undefined;
  service(name: string): ServiceAnalysis | undefined;
  stream(name: string): StreamAnalysis | undefined;
  link(from: string, to: string): LinkLoad | undefined;
}

const built = new WeakMap<Analysis, AnalysisIndex>();

/** The index of `analysis` (treated as immutable once made), built on first use. */
export function analysisIndex(analysis: Analysis): AnalysisIndex {
  let index = built.get(analysis);
  if (index === undefined) {
    const byName = <T extends { name: string }>(list: readonly T[]) => new Map(list.map((x) => [x.name, x]));
    const datastores = byName(analysis.datastores);
    const services = byName(analysis.services);
    const streams = byName(analysis.streams);
    const links = new Map(analysis.links.map((l) => [`${l.from}|${l.to}`, l]));
    index = {
      datastore: (name) => datastores.get(name),
      service: (name) => services.get(name),
      stream: (name) => streams.get(name),
      link: (from, to) => links.get(`${from}|${to}`),
    };
    built.set(analysis, index);
  }
  return index;
}
