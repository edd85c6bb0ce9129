/**
 * Where a component's service-level indicators come from: its engine's own metrics (src/engines),
 * else the metrics the spec names or the mesh's standard ones (services). A datastore or stream
 * with neither an engine nor declared metrics has none: topoplan cannot know what its image emits.
 * Nor has a service that only consumes streams, unless it declares metrics: Istio creates
 * `istio_requests_total` at a workload's first request, so its burn-rate alerts would never have
 * data and its no-data alert would page from the first ten minutes on.
 */
import { mirrorOnly, sourcesOf } from "../../engines/kafka-mirror.js";
import { engineOf } from "../../engines/registry.js";
import type { Indicators } from "../../engines/types.js";
import { isReadOp } from "../../model/call-ops.js";
import { modelIndex } from "../../model/model-index.js";
import type { Model, ResolvedComponent, ResolvedStream } from "../../model/types.js";
import { selector } from "./promql.js";

/** The component's indicators; with `region`, as that region's Prometheus sees them (src/engines/types.ts). */
export function indicatorsOf(component: ResolvedComponent, region?: string): Indicators {
  const engine = engineOf(component);
  if (engine !== undefined && component.kind !== "service") return engine.indicators(component, region);
  if (!component.metricsDeclared && (component.kind !== "service" || component.streamWorker))
    return { presence: {} };
  return metricIndicators(component);
}

/** Whether {@link indicatorsOf} may answer differently per region: only an engine's can (its first branch). */
export function regionalIndicators(component: ResolvedComponent): boolean {
  return component.kind !== "service" && engineOf(component) !== undefined;
}

/**
 * The indicators one region's Prometheus alerts on. A stream's consumer groups commit their
 * offsets to the cluster of the region each consumer runs in (its clients dial their own region's
 * bootstrap): where the stream has consumers (listed, or calling it to consume or read) and none
 * runs in `region`, no group ever has a series there, and the consumer-lag SLO's no-data alert
 * would fire for ever — its presence series is left out there (the lag alert stays, for a
 * consumer topoplan does not know of).
 */
export function indicatorsIn(model: Model, component: ResolvedComponent, region: string): Indicators {
  const indicators = indicatorsOf(component, region);
  if (!withoutConsumers(model, component, region) || indicators.presence.consumerLag === undefined)
    return indicators;
  const { consumerLag: _none, ...presence } = indicators.presence;
  return { ...indicators, presence };
}

/** Whether {@link indicatorsIn} may answer differently per region. */
export function regionalIndicatorsIn(model: Model, component: ResolvedComponent): boolean {
  if (regionalIndicators(component)) return true;
  if (component.kind !== "stream") return false;
  const regions = consumerRegions(model, component);
  return (
    regions !== undefined &&
    ![...component.regions, ...component.mirrorRegions].every((region) => regions.has(region))
  );
}

/**
 * The regions the stream's consumers run in (those it lists and those calling it to consume or
 * read); undefined when it has none.
 */
function consumerRegions(model: Model, stream: ResolvedStream): Set<string> | undefined {
  const index = modelIndex(model);
  const calling = index
    .callsTo(stream.name)
    .filter(({ call }) => isReadOp(call.op))
    .map(({ service }) => service);
  const consumers = [...stream.consumers.flatMap((name) => index.service(name) ?? []), ...calling];
  return consumers.length === 0 ? undefined : new Set(consumers.flatMap((service) => service.regions));
}

/**
 * No consumer group in `region`: none of the stream's consumers runs there, and, in a region holding
 * only mirrors, no source region has consumers whose groups' offsets MirrorMaker 2 copies there
 * (onto the topic, or its `<source>.<stream>` copies, which the consumer-lag indicators read
 * there: engines/kafka.ts), where they are series as long as the source's groups are. A stream
 * region's indicators read its own topic only, where no copied group is.
 */
function withoutConsumers(model: Model, component: ResolvedComponent, region: string): boolean {
  if (component.kind !== "stream") return false;
  const regions = consumerRegions(model, component);
  return (
    regions !== undefined &&
    !regions.has(region) &&
    !(
      engineOf(component)?.id === "kafka" &&
      mirrorOnly(component, region) &&
      sourcesOf(component, region).some((source) => regions.has(source))
    )
  );
}

/** Seconds per unit of a histogram, from its name (Prometheus naming: the unit is a suffix). */
export function secondsPerUnit(metric: string): number {
  return /_milliseconds(_|$)/.test(metric) ? 0.001 : /_microseconds(_|$)/.test(metric) ? 1e-6 : 1;
}

/** Istio reports each request twice (client and server proxy); the server side is the SLI. */
const ISTIO_SERVER_SIDE = 'reporter="destination"';

function metricIndicators(component: ResolvedComponent): Indicators {
  const m = component.metrics;
  const filter = m.filter ?? (m.requests === "istio_requests_total" ? ISTIO_SERVER_SIDE : "");
  const all = selector(component.name, filter);
  const errors = selector(component.name, filter, m.errorSelector);
  const scale = secondsPerUnit(m.latencyBucket);
  const inSeconds = (expr: string) => (scale === 1 ? expr : `(${expr}) * ${scale}`);
  const count = m.latencyBucket.replace(/_bucket$/, "_count");
  return {
    requestRate: (w) => `sum(rate(${m.requests}${all}[${w}]))`,
    // `or vector(0)`: no failed series at all is a ratio of 0, not an empty result.
    errorRatio: (w) =>
      `(sum(rate(${m.requests}${errors}[${w}])) or vector(0)) / sum(rate(${m.requests}${all}[${w}]))`,
    avgLatencySeconds: inSeconds(`sum(rate(${m.latencySum}${all}[5m])) / sum(rate(${count}${all}[5m]))`),
    p99LatencySeconds: inSeconds(
      `histogram_quantile(0.99, sum by (le) (rate(${m.latencyBucket}${all}[5m])))`,
    ),
    ...(m.replicationLag === undefined || component.kind === "service"
      ? {}
      : { replicationLagSeconds: `max(${m.replicationLag}${selector(component.name)})` }),
    presence: {
      availability: `${m.requests}${all}`,
      latency: `${m.latencyBucket}${all}`,
      ...(m.replicationLag === undefined
        ? {}
        : { replicationLag: `${m.replicationLag}${selector(component.name)}` }),
    },
  };
}
