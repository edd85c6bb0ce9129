import { DISTANCE_MODEL } from "./data/distance.generated.js";
import {
  CROSS_ZONE_JITTER_P99_MS,
  FALLBACK_JITTER_RATIO,
  RTT_JITTER_P99_MS,
} from "./data/jitter.generated.js";
import type { RegionRecord } from "./types.js";

/** Great-circle distance in km between [lat, lon] points (haversine, mean Earth radius 6,371 km). */
export function haversineKm(a: readonly [number, number], b: readonly [number, number]): number {
  const rad = Math.PI / 180;
  const dLat = (b[0] - a[0]) * rad;
  const dLon = (b[1] - a[1]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Great-circle distance between two regions' approximate coordinates, km. */
export function greatCircleKm(a: RegionRecord, b: RegionRecord): number | undefined {
  if (a.lat === undefined || a.lon === undefined || b.lat === undefined || b.lon === undefined)
    return undefined;
  return haversineKm([a.lat, a.lon], [b.lat, b.lon]);
}

/**
 * RTT between two regions no matrix holds (two providers, or a region newer than the data):
 * a + b × great-circle km, fitted on the AWS matrix; its measured error on the GCP and Azure
 * matrices is in distance.generated.ts and docs/model.md. Rounded to 0.1 ms.
 */
export function estimateRttMs(a: RegionRecord, b: RegionRecord): number | undefined {
  const km = greatCircleKm(a, b);
  if (km === undefined) return undefined;
  return Math.round((DISTANCE_MODEL.interceptMs + DISTANCE_MODEL.msPerKm * km) * 10) / 10;
}

/**
 * p99 − p50 of the RTT between a and b: measured per pair (ping data), else the p90 ratio of the
 * measured pairs × the median; within one region the measured cross-zone figure.
 */
export function rttJitterP99Ms(a: string, b: string, p50Ms: number | undefined): number {
  if (a === b) return CROSS_ZONE_JITTER_P99_MS;
  const measured = RTT_JITTER_P99_MS[a]?.[b];
  if (measured !== undefined) return measured;
  return p50Ms === undefined ? 0 : fallbackJitterMs(p50Ms);
}

/** p99 − p50 of an unmeasured path with median `p50Ms` (the p90 ratio of the measured pairs). */
export const fallbackJitterMs = (p50Ms: number): number => FALLBACK_JITTER_RATIO * p50Ms;
