import type {
  Model,
  ResolvedCall,
  ResolvedComponent,
  ResolvedDatastore,
  ResolvedLink,
  ResolvedService,
  ResolvedStream,
} from "./types.js";

/** One service call, with the service making it and its position in `service.calls`. */
export interface CallSite {
  readonly service: ResolvedService;
  readonly call: ResolvedCall;
  readonly index: number;
}

/**
 * Look-ups every later stage needs by name: components by name and the calls into each component.
 * Built once per model (the model is immutable), so a stage asking "who calls X?" for every X stays
 * linear in services and calls instead of scanning them per question.
 */
export interface ModelIndex {
  component(name: string): ResolvedComponent | undefined;
  datastore(name: string): ResolvedDatastore | undefined;
  service(name: string): ResolvedService | undefined;
  stream(name: string): ResolvedStream | undefined;
  /** Every call to `target`, services in model order (by name), calls in declaration order. */
  callsTo(target: string): readonly CallSite[];
  /** The services calling `target`, each once, in model order. */
  callersOf(target: string): readonly ResolvedService[];
  /** The link declared between two regions (`network.links`), given in either order. */
  link(a: string, b: string): ResolvedLink | undefined;
}

const built = new WeakMap<Model, ModelIndex>();
const NONE: readonly never[] = Object.freeze([]);

/** The index of `model`, built on first use and kept as long as the model lives. */
export function modelIndex(model: Model): ModelIndex {
  let index = built.get(model);
  if (index === undefined) {
    index = buildIndex(model);
    built.set(model, index);
  }
  return index;
}

function buildIndex(model: Model): ModelIndex {
  const byName = <C extends ResolvedComponent>(list: readonly C[]) => new Map(list.map((c) => [c.name, c]));
  const datastores = byName(model.datastores);
  const services = byName(model.services);
  const streams = byName(model.streams);
  const calls = new Map<string, CallSite[]>();
  const callers = new Map<string, ResolvedService[]>();
  for (const service of model.services)
    service.calls.forEach((call, index) => {
      let sites = calls.get(call.to);
      if (sites === undefined) {
        sites = [];
        calls.set(call.to, sites);
      }
      sites.push({ service, call, index });
      let list = callers.get(call.to);
      if (list === undefined) {
        list = [];
        callers.set(call.to, list);
      }
      if (list[list.length - 1] !== service) list.push(service);
    });
  // Keyed by the sorted pair, as `between` is; the first declaration of a pair wins.
  const links = new Map<string, ResolvedLink>();
  for (const link of model.links) {
    const key = `${link.between[0]}|${link.between[1]}`;
    if (!links.has(key)) links.set(key, link);
  }
  return {
    component: (name) => datastores.get(name) ?? services.get(name) ?? streams.get(name),
    datastore: (name) => datastores.get(name),
    service: (name) => services.get(name),
    stream: (name) => streams.get(name),
    callsTo: (target) => calls.get(target) ?? NONE,
    callersOf: (target) => callers.get(target) ?? NONE,
    link: (a, b) => links.get(a < b ? `${a}|${b}` : `${b}|${a}`),
  };
}
