/**
 * Bucket boundaries of the latency histograms the p99 alerts read, where the library that defines
 * the histogram fixes them. `histogram_quantile` interpolates linearly inside the bucket that holds
 * the quantile, so a p99 read between two boundaries is an estimate: with the target inside a
 * bucket, a true p99 anywhere in that bucket can read as any value in it, and the alert can fire
 * while the SLO is met or stay silent while it is broken. Only at a boundary is "p99 above the
 * target" exact. Keyed by the bucket series: the buckets belong to the library that emits it, not
 * to a component kind.
 */

import type { ResolvedService } from "../../model/types.js";

export interface HistogramBuckets {
  /** Whose buckets, for messages. */
  readonly name: string;
  /** Upper bounds (`le`), milliseconds, ascending; +Inf implied. */
  readonly boundariesMs: readonly number[];
}

/**
 * Istio's sidecar histograms (`istio_request_duration_milliseconds`): its defaults, as the
 * `sidecar.istio.io/statsHistogramBuckets` annotation documents them (istio/api
 * annotation/annotations.yaml, 1.24.x: "Default buckets are `[0.5,1,5,10,25,50,100,250,500,1000,
 * 2500,5000,10000,30000,60000,300000,600000,1800000,3600000]`"). A service with a latency target
 * between two of them sets the annotation on its pods ({@link serviceBucketsMs}).
 */
const ISTIO_DEFAULT_MS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000,
  1_800_000, 3_600_000,
];

/**
 * go-grpc-prometheus's `grpc_server_handling_seconds` (etcd with `--metrics=extensive`):
 * `Buckets: prom.DefBuckets` (grpc-ecosystem/go-grpc-prometheus server_metrics.go), Prometheus
 * client_golang's DefBuckets `{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}` seconds.
 */
const PROMETHEUS_DEFAULT_MS = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000];

/** Istio's per-pod bucket setting: a JSON map from stats prefix to bucket bounds (istio/api annotations.yaml). */
export const ISTIO_BUCKETS_ANNOTATION = "sidecar.istio.io/statsHistogramBuckets";
/** The prefix of Istio's standard metrics in that map; its entry replaces the defaults above. */
const ISTIO_STANDARD_PREFIX = "istiocustom";
const ISTIO_SERIES = "istio_request_duration_milliseconds_bucket";

/**
 * A service's own request-duration buckets: Istio's defaults plus its p99 target, so that its
 * latency alert compares at a boundary and is exact. None (Istio's defaults stand) when the target
 * already is a boundary or its latency comes from another histogram. The service's own sidecar
 * records the `reporter="destination"` series the SLI reads, so the annotation goes on its pods.
 */
export function serviceBucketsMs(service: ResolvedService): readonly number[] | undefined {
  const target = service.slo.latencyP99Ms;
  if (target === undefined || service.metrics.latencyBucket !== ISTIO_SERIES) return undefined;
  if (ISTIO_DEFAULT_MS.includes(target)) return undefined;
  return [...ISTIO_DEFAULT_MS, target].sort((a, b) => a - b);
}

/** The pod annotations that give a service {@link serviceBucketsMs}; none when Istio's defaults stand. */
export function istioBucketAnnotations(service: ResolvedService): Record<string, string> {
  const buckets = serviceBucketsMs(service);
  return buckets === undefined
    ? {}
    : { [ISTIO_BUCKETS_ANNOTATION]: JSON.stringify({ [ISTIO_STANDARD_PREFIX]: buckets }) };
}

const KNOWN: Readonly<Record<string, HistogramBuckets>> = {
  istio_request_duration_milliseconds_bucket: {
    name: "Istio's default buckets",
    boundariesMs: ISTIO_DEFAULT_MS,
  },
  grpc_server_handling_seconds_bucket: {
    name: "Prometheus's default buckets (go-grpc-prometheus)",
    boundariesMs: PROMETHEUS_DEFAULT_MS,
  },
};

/** The known buckets of a bucket series (`name` or `name{…}`), if any. */
export function knownBuckets(series: string): HistogramBuckets | undefined {
  return KNOWN[series.replace(/\{.*$/, "")];
}

/**
 * The bucket `(lowerMs, upperMs]` of `series` that holds `targetMs` strictly inside (so a p99
 * compared with it is interpolated); none when the target is a boundary, above the last finite
 * one, or the buckets are unknown.
 */
export function bucketAround(
  series: string,
  targetMs: number,
  /** The component's own bounds where it sets them (a service's {@link serviceBucketsMs}). */
  ownBoundariesMs?: readonly number[],
): { readonly name: string; readonly lowerMs: number; readonly upperMs: number } | undefined {
  const buckets = knownBuckets(series);
  if (buckets === undefined) return undefined;
  const bounds = ownBoundariesMs ?? buckets.boundariesMs;
  const upper = bounds.findIndex((b) => b >= targetMs);
  if (upper === -1 || bounds[upper] === targetMs) return undefined;
  return { name: buckets.name, lowerMs: upper === 0 ? 0 : bounds[upper - 1]!, upperMs: bounds[upper]! };
}
