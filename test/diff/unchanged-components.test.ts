import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import type { Analysis } from "../../src/analysis/types.js";
import { compilePlan } from "../../src/compile/index.js";
import type { ResourcePlan } from "../../src/compile/plan.js";
import { InputError } from "../../src/diagnostics/diagnostic.js";
import { comparedPlans } from "../../src/diff/compared-plans.js";
import { compareResources } from "../../src/diff/resources.js";
import { unchangedComponents } from "../../src/diff/unchanged-components.js";
import type { Model } from "../../src/model/types.js";
import { topologyFromData } from "../../src/pipeline.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { planFixtureSpecs } from "../compile/plan-fixtures.js";

/**
 * `diff` takes the resources of a component whose inputs (itself, its neighbours, the topology-wide
 * settings) did not change as equal without building them (unchanged-components.ts). Whatever the
 * edit, that must give exactly the full comparison: a dependency the declared inputs miss would
 * hide a change from a pull request's review.
 */
type Entry = Record<string, unknown>;
/** A spec as edits see it: plain records (topologyFromData validates what they make). */
interface Spec {
  services: Record<string, Entry>;
  datastores?: Record<string, Entry>;
  streams?: Record<string, Entry>;
  users?: Record<string, number>;
  model?: Record<string, unknown>;
}

interface Side {
  readonly model: Model;
  readonly analysis: Analysis;
  readonly plan: ResourcePlan;
}

/** undefined when the edit made the spec invalid (the property skips it). */
function compiled(data: Spec | TopologyInput): Side | undefined {
  try {
    const { model } = topologyFromData({
      file: "t.ts",
      format: "typescript",
      text: "",
      data: data as TopologyInput,
    });
    const analysis = analyse(model);
    return { model, analysis, plan: compilePlan(model, analysis) };
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
}

/** The plan with every resource's inputs built, as plain objects (no inputs key, deferred.ts withInputsKey). */
const built = (plan: ResourcePlan): ResourcePlan => ({
  ...plan,
  resources: plan.resources.map((resource) => ({ ...resource })),
});

function nth<T>(record: Record<string, T> | undefined, at: number): [string, T] | undefined {
  const entries = Object.entries(record ?? {});
  return entries.length === 0 ? undefined : entries[at % entries.length];
}

const deployOf = (entry: Entry) => (entry.deploy ?? {}) as Entry;
const regionsIn = (spec: Spec) => [
  ...new Set(Object.values(spec.services ?? {}).flatMap((s) => (s.regions as string[] | undefined) ?? [])),
];

/** Edits a pull request makes, each on the component at `at` (modulo the count). */
const EDITS: Record<string, (spec: Spec, at: number) => void> = {
  serviceReplicas(spec, at) {
    const [, s] = nth(spec.services, at) ?? [];
    if (s === undefined) return;
    s.replicasPerRegion = ((s.replicasPerRegion as number | undefined) ?? 2) + 1;
  },
  serviceRegions(spec, at) {
    const [, s] = nth(spec.services, at) ?? [];
    if (s === undefined) return;
    const [, other] = nth(spec.services, at + 1) ?? [];
    if (other !== undefined) s.regions = other.regions;
  },
  serviceDropRegion(spec, at) {
    const [, s] = nth(spec.services, at) ?? [];
    if (s === undefined) return;
    const regions = s.regions as string[] | undefined;
    if (regions !== undefined && regions.length > 1) s.regions = regions.slice(1);
  },
  callTimeout(spec, at) {
    const [, s] = nth(spec.services, at) ?? [];
    if (s === undefined) return;
    const call = (s.calls as Entry[] | undefined)?.[0];
    if (call !== undefined) call.timeoutMs = ((call.timeoutMs as number | undefined) ?? 1000) + 50;
  },
  callRetries(spec, at) {
    const [, s] = nth(spec.services, at) ?? [];
    if (s === undefined) return;
    const call = (s.calls as Entry[] | undefined)?.[0];
    if (call !== undefined) call.retries = ((call.retries as number | undefined) ?? 0) + 1;
  },
  dropCall(spec, at) {
    const [, s] = nth(spec.services, at) ?? [];
    if (s === undefined) return;
    const calls = s.calls as unknown[] | undefined;
    if (calls !== undefined && calls.length > 0) calls.pop();
  },
  addCall(spec, at) {
    const [name, s] = nth(spec.services, at) ?? [];
    if (name === undefined || s === undefined) return;
    const to = nth(spec.datastores, at)?.[0] ?? nth(spec.services, at + 3)?.[0];
    if (to === undefined || to === name) return;
    s.calls = [
      ...((s.calls as Entry[] | undefined) ?? []).filter((c) => c.to !== to),
      { to, timeoutMs: 900 },
    ];
  },
  addService(spec, at) {
    const [name, s] = nth(spec.services, at) ?? [];
    if (name === undefined || s === undefined) return;
    spec.services[`added-${at}`] = {
      regions: s.regions,
      calls: [{ to: name, timeoutMs: 2000 }],
      deploy: { target: "kubernetes", image: "ghcr.io/acme/added:1.0.0", port: 8080 },
    };
  },
  // An uncalled service goes (a called one would leave a dangling call).
  removeService(spec, at) {
    const called = new Set(
      Object.values(spec.services ?? {}).flatMap((s) =>
        ((s.calls as Entry[] | undefined) ?? []).map((c) => c.to),
      ),
    );
    for (const stream of Object.values(spec.streams ?? {}))
      for (const key of ["producers", "consumers"])
        for (const n of (stream[key] as string[]) ?? []) called.add(n);
    const names = Object.keys(spec.services ?? {}).filter((n) => !called.has(n));
    const name = names[at % Math.max(1, names.length)];
    if (name !== undefined) delete spec.services[name];
  },
  serviceNamespace(spec, at) {
    const [, s] = nth(spec.services, at) ?? [];
    if (s === undefined) return;
    if (deployOf(s).target === "kubernetes") s.deploy = { ...deployOf(s), namespace: `ns-${at % 3}` };
  },
  serviceImage(spec, at) {
    const [, s] = nth(spec.services, at) ?? [];
    if (s === undefined) return;
    if (deployOf(s).target === "kubernetes") s.deploy = { ...deployOf(s), image: `ghcr.io/acme/x:${at}` };
  },
  servicePort(spec, at) {
    const [, s] = nth(spec.services, at) ?? [];
    if (s === undefined) return;
    if (deployOf(s).target === "kubernetes") s.deploy = { ...deployOf(s), port: 9000 + (at % 50) };
  },
  serviceExternal(spec, at) {
    const [, s] = nth(spec.services, at) ?? [];
    if (s === undefined) return;
    s.deploy = { target: "external" };
  },
  serviceSlo(spec, at) {
    const [, s] = nth(spec.services, at) ?? [];
    if (s === undefined) return;
    s.slo = { availability: 0.995, latencyP99Ms: 900 };
  },
  serviceChaos(spec, at) {
    const [, s] = nth(spec.services, at) ?? [];
    if (s === undefined) return;
    s.chaos = { enabled: true };
  },
  datastoreChaos(spec, at) {
    const entry = nth(spec.datastores, at);
    if (entry !== undefined) entry[1].chaos = { enabled: true, schedule: "@daily" };
  },
  datastoreChaosOff(spec, at) {
    const entry = nth(spec.datastores, at);
    if (entry !== undefined) entry[1].chaos = { enabled: false };
  },
  datastoreSlo(spec, at) {
    const entry = nth(spec.datastores, at);
    if (entry !== undefined) entry[1].slo = { availability: 0.9 };
  },
  datastoreTraffic(spec, at) {
    const entry = nth(spec.datastores, at);
    const traffic = entry?.[1].traffic as { readsPerSec?: number; writesPerSec?: number } | undefined;
    if (traffic?.writesPerSec !== undefined) traffic.writesPerSec *= 40;
  },
  datastorePlacement(spec, at) {
    const entry = nth(spec.datastores, at);
    const placement = entry?.[1].placement as Record<string, number> | undefined;
    if (placement === undefined || typeof placement !== "object") return;
    const [from] = Object.keys(placement);
    const to = regionsIn(spec).find((r) => !(r in placement));
    if (from === undefined || to === undefined || placement[from]! < 2) return;
    placement[from]! -= 1;
    placement[to] = (placement[to] ?? 0) + 1;
  },
  datastoreStorage(spec, at) {
    const entry = nth(spec.datastores, at);
    if (entry !== undefined && deployOf(entry[1]).target === "kubernetes")
      entry[1].deploy = { ...deployOf(entry[1]), storageGi: 77 };
  },
  streamPartitions(spec, at) {
    const entry = nth(spec.streams, at);
    if (entry !== undefined) entry[1].partitions = ((entry[1].partitions as number | undefined) ?? 12) + 6;
  },
  streamConsumer(spec, at) {
    const entry = nth(spec.streams, at);
    const [name] = nth(spec.services, at + 5) ?? [];
    if (entry === undefined || name === undefined) return;
    const consumers = (entry[1].consumers as string[] | undefined) ?? [];
    if (!consumers.includes(name)) entry[1].consumers = [...consumers, name];
  },
  users(spec, at) {
    const regions = regionsIn(spec);
    const region = regions[at % regions.length];
    if (region !== undefined) spec.users = { [region]: 1 };
  },
  settings(spec) {
    spec.model = { ...spec.model, processingTailFactor: 4 };
  },
};

describe("diff skips unchanged components' resources exactly", () => {
  const bases: { name: string; spec: Spec; side: Side }[] = [];
  beforeAll(async () => {
    const specs = await planFixtureSpecs();
    for (const [name, spec] of specs) {
      const side = compiled(spec);
      if (side === undefined) throw new Error(`${name} does not compile`);
      bases.push({ name, spec: spec as unknown as Spec, side });
    }
  }, 120_000);

  it("equals the full comparison for random edits of generated specs and the bundled stacks", () => {
    let valid = 0;
    let skipped = 0;
    let compiledShare = 0;
    fc.assert(
      fc.property(
        fc.nat(100),
        fc.array(fc.tuple(fc.constantFrom(...Object.keys(EDITS)), fc.nat(100)), {
          minLength: 1,
          maxLength: 3,
        }),
        (which, edits) => {
          const base = bases[which % bases.length]!;
          const next = structuredClone(base.spec);
          for (const [edit, at] of edits) EDITS[edit]!(next, at);
          const after = compiled(next);
          if (after === undefined) return;
          valid++;
          const unchanged = unchangedComponents(base.side.model, after.model);
          skipped += after.model.services.filter((s) => unchanged(s.name)).length;
          // Every input built and compared: no component skipped, no key taken for its inputs (a dashboard's).
          const full = compareResources(built(base.side.plan), built(after.plan));
          expect(compareResources(base.side.plan, after.plan, unchanged)).toEqual(full);
          // As `diff` does it: both sides compiled for the components the edit can change only.
          const fromModel = (side: Side) => ({
            model: side.model,
            analysis: side.analysis,
            planFromModel: true as const,
          });
          const scoped = comparedPlans(fromModel(base.side), fromModel(after));
          expect(compareResources(scoped.before, scoped.after, scoped.unchanged)).toEqual(full);
          compiledShare += scoped.after.resources.length / after.plan.resources.length;
          // And the edit undone: what was added is removed.
          const back = unchangedComponents(after.model, base.side.model);
          expect(compareResources(after.plan, base.side.plan, back)).toEqual(
            compareResources(after.plan, base.side.plan),
          );
        },
      ),
      { numRuns: 120 },
    );
    // The property means something only if most edits are valid and components are skipped.
    expect(valid).toBeGreaterThan(80);
    expect(skipped).toBeGreaterThan(valid);
    // ... and left uncompiled (small specs, and a topology-wide edit compiles everything: 55% on average).
    expect(compiledShare / valid).toBeLessThan(0.75);
  }, 300_000);

  it("takes a far component as unchanged and the edited one and its neighbours as changed", () => {
    const base = bases[0]!;
    const next = structuredClone(base.spec);
    const [name, service] = nth(next.services, 0)!;
    const port = { ...deployOf(service), port: 9123 };
    service.deploy = port;
    const after = compiled(next)!;
    const unchanged = unchangedComponents(base.side.model, after.model);
    expect(unchanged(name)).toBe(false);
    const callees = ((service.calls as Entry[] | undefined) ?? []).map((c) => c.to as string);
    expect(callees.length).toBeGreaterThan(0);
    for (const callee of callees) expect(unchanged(callee)).toBe(false);
    const far = after.model.services.filter(
      (s) => s.name !== name && !callees.includes(s.name) && !s.calls.some((c) => c.to === name),
    );
    expect(far.length).toBeGreaterThan(0);
    expect(far.some((s) => unchanged(s.name))).toBe(true);
  });

  it("takes a service's neighbours as unchanged when only its pod count or image changed", () => {
    const base = bases[0]!;
    const next = structuredClone(base.spec);
    const [name, service] = nth(next.services, 0)!;
    service.replicasPerRegion = ((service.replicasPerRegion as number | undefined) ?? 2) + 1;
    service.deploy = { ...deployOf(service), image: "ghcr.io/acme/other:2.0.0" };
    const after = compiled(next)!;
    const unchanged = unchangedComponents(base.side.model, after.model);
    expect(unchanged(name)).toBe(false);
    const callees = ((service.calls as Entry[] | undefined) ?? []).map((c) => c.to as string);
    expect(callees.length).toBeGreaterThan(0);
    for (const callee of callees) expect(unchanged(callee)).toBe(true);
    // And so it is: the plans differ in the service's own resources only.
    const changed = compareResources(base.side.plan, after.plan).filter((r) => r.component !== "");
    expect(changed.length).toBeGreaterThan(0);
    expect([...new Set(changed.map((r) => r.component))]).toEqual([name]);
  });

  it("compares the chaos schedules of untouched components, which one store's opt-out moves", () => {
    const base = bases.find((b) => b.name === "generated-3-chaos")!;
    const next = structuredClone(base.spec);
    const [store] = nth(next.datastores, 0)!;
    EDITS.datastoreChaosOff!(next, 0);
    const after = compiled(next)!;
    const full = compareResources(base.side.plan, after.plan);
    const moved = full.filter((r) => r.type.includes("chaos-mesh.org") && r.component !== store);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.some((r) => unchangedComponents(base.side.model, after.model)(r.component))).toBe(true);
    expect(
      compareResources(base.side.plan, after.plan, unchangedComponents(base.side.model, after.model)),
    ).toEqual(full);
  });

  it("takes nothing as unchanged when a topology-wide input changes", () => {
    const base = bases[0]!;
    const next = structuredClone(base.spec);
    EDITS.settings!(next, 0);
    const after = compiled(next)!;
    const unchanged = unchangedComponents(base.side.model, after.model);
    expect(after.model.services.some((s) => unchanged(s.name))).toBe(false);
  });
});
