import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateTopology } from "../../bench/generate.js";
import { analyse, analyseEdited } from "../../src/analysis/index.js";
import type { Analysis } from "../../src/analysis/types.js";
import type { Model } from "../../src/model/types.js";
import { topologyFromData } from "../../src/pipeline.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";

/**
 * `diff` analyses its second side against the first (analyseEdited keeps the services an edit cannot
 * change, edit-reuse.ts). Whatever the edit, that must equal the plain analysis of the edited model,
 * key order included (diff --format json prints figures from it).
 */
const load = (data: TopologyInput): Model =>
  topologyFromData({ file: "t.ts", format: "typescript", text: "", data }).model;

const text = (analysis: Analysis) => JSON.stringify(analysis);

type Spec = TopologyInput & { services: Record<string, Record<string, unknown>> };

/** One edit of a generated spec, on the service (or datastore) at `at` modulo the count. */
const EDITS: Record<string, (spec: Spec, at: number) => void> = {
  replicas(spec, at) {
    const [, service] = nth(spec.services, at);
    service.replicasPerRegion = ((service.replicasPerRegion as number | undefined) ?? 2) + 1;
  },
  processing(spec, at) {
    const [, service] = nth(spec.services, at);
    service.processingMs = ((service.processingMs as number | undefined) ?? 5) + 7;
  },
  regions(spec, at) {
    const [, service] = nth(spec.services, at);
    const [, other] = nth(spec.services, at + 1);
    service.regions = other.regions;
  },
  callTimeout(spec, at) {
    const [, service] = nth(spec.services, at);
    const calls = service.calls as { timeoutMs?: number }[] | undefined;
    const call = calls?.[0];
    if (call !== undefined) call.timeoutMs = (call.timeoutMs ?? 1000) + 50;
  },
  // A call only some requests make: its callers' availability counts only those (service-units.ts).
  callShare(spec, at) {
    const [, service] = nth(spec.services, at);
    const calls = service.calls as { callsPerRequest?: number }[] | undefined;
    const call = calls?.[0];
    if (call !== undefined) call.callsPerRequest = 0.3;
  },
  dropCall(spec, at) {
    const [, service] = nth(spec.services, at);
    const calls = service.calls as unknown[] | undefined;
    if (calls !== undefined && calls.length > 1) calls.pop();
  },
  traffic(spec, at) {
    const [, service] = nth(spec.services, at);
    service.traffic = { requestsPerSec: 123_456 };
  },
  addCaller(spec, at) {
    const [name, service] = nth(spec.services, at);
    spec.services[`added-${at}`] = {
      regions: service.regions,
      calls: [{ to: name, timeoutMs: 2000 }],
      deploy: { target: "kubernetes", image: "ghcr.io/acme/added:1.0.0", port: 8080 },
    };
  },
  datastoreSlo(spec, at) {
    const [, ds] = nth((spec.datastores ?? {}) as Record<string, Record<string, unknown>>, at);
    ds.slo = { availability: 0.9 };
  },
  // A store's flows move over links: a little (queues unchanged), or enough to queue (edit-reuse.ts linkQueues).
  storeTrafficUp(spec, at) {
    scaleTraffic(spec, at, 1.5);
  },
  storeTrafficFlood(spec, at) {
    scaleTraffic(spec, at, 400);
  },
  // Where a solve candidate differs: one replica moved to another of the spec's regions.
  storePlacement(spec, at) {
    const [, ds] = nth((spec.datastores ?? {}) as Record<string, Record<string, unknown>>, at);
    const placement = ds.placement as Record<string, number>;
    const [from] = Object.keys(placement);
    const regions = [...new Set(Object.values(spec.services).flatMap((s) => s.regions as string[]))];
    const to = regions.find((r) => !(r in placement)) ?? regions.find((r) => r !== from);
    if (from === undefined || to === undefined || placement[from]! < 2) return;
    placement[from]! -= 1;
    placement[to] = (placement[to] ?? 0) + 1;
    ds.residency = undefined;
  },
  settings(spec) {
    spec.model = { ...spec.model, processingTailFactor: 4 };
  },
};

function scaleTraffic(spec: Spec, at: number, by: number): void {
  const [, ds] = nth((spec.datastores ?? {}) as Record<string, Record<string, unknown>>, at);
  const traffic = ds.traffic as { readsPerSec?: number; writesPerSec?: number } | undefined;
  if (traffic === undefined) return;
  if (traffic.readsPerSec !== undefined) traffic.readsPerSec = Math.round(traffic.readsPerSec * by);
  if (traffic.writesPerSec !== undefined) traffic.writesPerSec = Math.round(traffic.writesPerSec * by);
}

function nth<T>(record: Record<string, T>, at: number): [string, T] {
  const entries = Object.entries(record);
  return entries[at % entries.length]!;
}

describe("analyseEdited (diff's second side) equals the plain analysis", () => {
  const seeds = [1, 2];
  const specs = seeds.map(
    (seed) => generateTopology({ seed, services: 30, partitions: 60, regions: 8, replicas: 5 }) as Spec,
  );
  const before = specs.map((spec) => {
    const model = load(spec);
    return { model, analysis: analyse(model) };
  });

  it("for random edits of generated specs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: specs.length - 1 }),
        fc.array(fc.tuple(fc.constantFrom(...Object.keys(EDITS)), fc.nat(100)), {
          minLength: 1,
          maxLength: 3,
        }),
        (which, edits) => {
          const next = structuredClone(specs[which]!);
          for (const [edit, at] of edits) EDITS[edit]!(next, at);
          const model = load(next);
          const edited = analyse(model);
          expect(text(analyseEdited(model, before[which]!))).toBe(text(edited));
          // And the edit undone (a removed service, call or region on this side).
          const original = before[which]!;
          expect(text(analyseEdited(original.model, { model, analysis: edited }))).toBe(
            text(original.analysis),
          );
        },
      ),
      { numRuns: 30 },
    );
  });

  it("keeps every service of an unchanged spec, and recomputes a caller of an edited one", () => {
    const spec = specs[0]!;
    const same = analyseEdited(load(structuredClone(spec)), before[0]!);
    same.services.forEach((s, i) => {
      expect(s.latency).toBe(before[0]!.analysis.services[i]!.latency);
    });
    const next = structuredClone(spec);
    const deepest = Object.keys(next.services).at(-1)!;
    next.services[deepest]!.processingMs = 99;
    const edited = analyseEdited(load(next), before[0]!);
    const changed = edited.services.find((s) => s.name === deepest)!;
    expect(changed.latency).not.toBe(before[0]!.analysis.services.find((s) => s.name === deepest)!.latency);
    expect(text(edited)).toBe(text(analyse(load(next))));
  });

  it("keeps the services of other stores when a store's flows move over links that do not queue", () => {
    // No declared capacities: a link's load changes no acknowledgement delay (lag.ts linkSojournMs).
    const spec = { ...structuredClone(specs[0]!), network: undefined };
    const original = load(spec);
    const base = { model: original, analysis: analyse(original) };
    const next = structuredClone(spec);
    scaleTraffic(next, 0, 3);
    const [store] = nth((next.datastores ?? {}) as Record<string, unknown>, 0);
    const model = load(next);
    const edited = analyseEdited(model, base);
    expect(text(edited)).toBe(text(analyse(model)));
    const reaches = (name: string, seen = new Set<string>()): boolean => {
      if (name === store) return true;
      if (seen.has(name)) return false;
      seen.add(name);
      return (
        (next.services[name]?.calls as { to: string }[] | undefined)?.some((c) => reaches(c.to, seen)) ??
        false
      );
    };
    const untouched = edited.services.filter((s) => !reaches(s.name));
    expect(untouched.length).toBeGreaterThan(0);
    for (const s of untouched)
      expect(s.latency, s.name).toBe(base.analysis.services.find((b) => b.name === s.name)!.latency);
  });
});
