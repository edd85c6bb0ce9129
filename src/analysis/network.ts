import { fallbackJitterMs } from "../catalog/rtt.js";
import type { Model, ReplicaSlot } from "../model/types.js";
import type { Failure } from "./types.js";

/**
 * The network and failure state the analysis runs in: which regions and zones are down, which
 * inter-region links are cut, the RTT between any two regions (relayed around cut links) and
 * the probability that each failure domain is down (1 for a domain the what-if failed).
 */
export interface NetworkView {
  readonly model: Model;
  /** p99 = processingMs × this for a service's own time. */
  readonly processingTailFactor: number;
  /** Median RTT in ms; cross-zone RTT within a region; Infinity when no path is known. */
  rtt(a: string, b: string): number;
  /**
   * p99 RTT in ms: the median plus the pair's measured jitter (catalog), or median × the declared
   * flat `model.tailFactor`.
   */
  rtt99(a: string, b: string): number;
  /** The same view with every RTT at its p99 (to evaluate a latency with each leg at its tail). */
  readonly atP99: NetworkView;
  regionUp(region: string): boolean;
  zoneUp(zone: string): boolean;
  slotUp(slot: ReplicaSlot): boolean;
  /** Connected component of a region over the full mesh minus cut links (and pairs without RTT). */
  side(region: string): number;
  connected(a: string, b: string): boolean;
  regionDownProbability(region: string): number;
  zoneDownProbability(zone: string): number;
  readonly hasLinkCuts: boolean;
  /**
   * The regions a's traffic to b crosses, a and b included: [a, b] unless their link is cut, then
   * the relay path the RTT takes (bytes load, and are billed on, each hop).
   */
  route(a: string, b: string): readonly string[];
}

const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/**
 * A model's network without failures, made once per model (a view is pure: its lazy tables fill
 * the same whoever asks) for every store a what-if or a rule's fix asks about.
 */
const baselines = new WeakMap<Model, NetworkView>();
export function baselineNetworkView(model: Model): NetworkView {
  let view = baselines.get(model);
  if (view === undefined) {
    view = networkView(model, []);
    baselines.set(model, view);
  }
  return view;
}

/** Builds the view for a model under a set of failures (empty: the baseline). */
export function networkView(model: Model, failures: readonly Failure[]): NetworkView {
  const downRegions = new Set<string>();
  const downZones = new Set<string>();
  const cut = new Set<string>();
  // Mirror regions take a stream's mirrored copy even where nothing else of the topology runs.
  const nodes = new Set<string>([...model.regions, ...model.streams.flatMap((s) => s.mirrorRegions)]);
  for (const failure of failures) {
    if (failure.kind === "region") {
      downRegions.add(failure.region);
      nodes.add(failure.region);
    } else if (failure.kind === "zone") downZones.add(failure.zone);
    else {
      cut.add(pairKey(failure.between[0], failure.between[1]));
      for (const r of failure.between) nodes.add(r);
    }
  }
  const { catalog, settings } = model;
  const direct = (a: string, b: string): number => {
    if (a === b) return settings.crossZoneRttMs;
    if (cut.has(pairKey(a, b))) return Number.POSITIVE_INFINITY;
    return catalog.rttMs(a, b) ?? Number.POSITIVE_INFINITY;
  };

  // All-pairs shortest paths only when some pair has no direct path (cut link or unknown RTT):
  // traffic then relays through another region of the topology.
  const regions = [...nodes].sort();
  const index = new Map(regions.map((r, i) => [r, i]));
  let relayed: Float64Array | undefined;
  // The first hop of each shortest path (Floyd–Warshall with successors), for `route`.
  let nextHop: Int32Array | undefined;
  const n = regions.length;
  const needsRelay = regions.some((a, i) => regions.some((b, j) => j > i && !Number.isFinite(direct(a, b))));
  if (needsRelay) {
    relayed = new Float64Array(n * n);
    nextHop = new Int32Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        relayed[i * n + j] = i === j ? 0 : direct(regions[i]!, regions[j]!);
        nextHop[i * n + j] = j;
      }
    for (let k = 0; k < n; k++) {
      // A failed region relays nothing: a cut beside it may split the others.
      if (downRegions.has(regions[k]!)) continue;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          const via = relayed[i * n + k]! + relayed[k * n + j]!;
          if (via < relayed[i * n + j]!) {
            relayed[i * n + j] = via;
            nextHop[i * n + j] = nextHop[i * n + k]!;
          }
        }
    }
  }
  const route = (a: string, b: string): readonly string[] => {
    const i = index.get(a);
    const j = index.get(b);
    // Only a cut link reroutes bytes: a pair without a measured RTT is relayed for its latency
    // estimate alone, its traffic still goes direct.
    if (nextHop === undefined || i === undefined || j === undefined || !cut.has(pairKey(a, b))) return [a, b];
    if (!Number.isFinite(relayed![i * n + j]!)) return [a, b];
    const path = [a];
    for (let at = i; at !== j; ) {
      at = nextHop[at * n + j]!;
      path.push(regions[at]!);
    }
    return path;
  };
  const sides = new Map<string, number>();
  regions.forEach((region, i) => {
    if (sides.has(region)) return;
    for (let j = 0; j < n; j++) {
      if (relayed === undefined || Number.isFinite(relayed[i * n + j]!)) sides.set(regions[j]!, i);
    }
  });

  // Every RTT between the regions in play, looked up once: the analysis asks for them many times.
  const matrix = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const d = i === j ? settings.crossZoneRttMs : direct(regions[i]!, regions[j]!);
      matrix[i * n + j] = Number.isFinite(d) || relayed === undefined ? d : relayed[i * n + j]!;
    }
  const rtt = (a: string, b: string): number => {
    const i = index.get(a);
    const j = index.get(b);
    return i === undefined || j === undefined ? direct(a, b) : matrix[i * n + j]!;
  };
  const jitter = (a: string, b: string, median: number): number => {
    if (settings.tailFactor !== undefined) return median * (settings.tailFactor - 1);
    if (a === b) return catalog.rttJitterMs(a, a);
    // A relayed path (cut link, unknown pair) scales like an unmeasured pair.
    return median === direct(a, b) ? catalog.rttJitterMs(a, b) : fallbackJitterMs(median);
  };
  const rtt99Uncached = (a: string, b: string): number => {
    const median = rtt(a, b);
    return Number.isFinite(median) ? median + jitter(a, b, median) : median;
  };
  // p99 RTTs of the regions in play, filled on first use (NaN: not yet): asked per service, origin
  // and serving region, each answer otherwise cost three catalog look-ups (issue #15).
  const matrix99 = new Float64Array(n * n).fill(Number.NaN);
  const rtt99 = (a: string, b: string): number => {
    const i = index.get(a);
    const j = index.get(b);
    if (i === undefined || j === undefined) return rtt99Uncached(a, b);
    const known = matrix99[i * n + j]!;
    if (!Number.isNaN(known)) return known;
    const value = rtt99Uncached(a, b);
    matrix99[i * n + j] = value;
    return value;
  };
  const regionUp = (region: string) => !downRegions.has(region);
  const zoneUp = (zone: string) => !downZones.has(zone);
  const side = (region: string) => sides.get(region) ?? -1 - (index.get(region) ?? n);
  const zoneDown = new Map<string, number>();
  const view: Omit<NetworkView, "atP99"> = {
    model,
    processingTailFactor: settings.processingTailFactor,
    rtt,
    rtt99,
    regionUp,
    zoneUp,
    // A zone-spanning replica (managed regional service) is lost only with its region.
    slotUp: (slot) => regionUp(slot.region) && (slot.spansZones === true || zoneUp(slot.zone)),
    side,
    connected:
      relayed === undefined
        ? (a, b) => a === b || (sides.has(a) && sides.has(b))
        : (a, b) => a === b || (sides.has(a) && side(a) === side(b)),
    regionDownProbability: (region) =>
      downRegions.has(region)
        ? 1
        : (settings.regionFailureRates[region] ?? settings.regionFailureProbability),
    zoneDownProbability: (zone) => {
      // Memoised: the joint availability asks once per unit and enumerated state.
      let p = zoneDown.get(zone);
      if (p === undefined) {
        p = downZones.has(zone) ? 1 : (settings.zoneFailureRates[zone] ?? settings.zoneFailureProbability);
        zoneDown.set(zone, p);
      }
      return p;
    },
    hasLinkCuts: cut.size > 0,
    route,
  };
  const median = { ...view } as { -readonly [K in keyof NetworkView]: NetworkView[K] };
  const tail = { ...view, rtt: rtt99 } as { -readonly [K in keyof NetworkView]: NetworkView[K] };
  median.atP99 = tail;
  tail.atP99 = tail;
  return median;
}
