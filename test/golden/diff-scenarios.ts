import { join } from "node:path";
import type { DiffSide } from "../../src/diff/index.js";
import { diffSide } from "../../src/diff/side.js";
import { topologyFromData } from "../../src/pipeline.js";
import { loadSpec } from "../../src/spec/load/index.js";
import type { LoadedSpec } from "../../src/spec/load/types.js";
import { STACKS_DIR, stackFiles } from "../render/stacks.js";

/**
 * Realistic changes a reviewer sees in pull requests, applied to any example stack (the first
 * component that fits each one). Each returns false when the stack has nothing it applies to.
 */
type Spec = {
  users?: Record<string, number>;
  datastores?: Record<string, Record<string, unknown>>;
  services?: Record<string, Record<string, unknown>>;
  streams?: Record<string, Record<string, unknown>>;
};
type Obj = Record<string, unknown>;

const entries = (record: Record<string, Obj> | undefined) => Object.entries(record ?? {});
const CANDIDATE_REGIONS = ["eu-central-1", "us-east-1", "eu-west-1", "ap-southeast-1", "us-west-2"];

export const SCENARIOS: Readonly<Record<string, (spec: Spec) => boolean>> = {
  /** Ten times the traffic on every datastore and stream (the writesPerSec 5,000 → 50,000). */
  "scale-up": (spec) => {
    let any = false;
    for (const [, c] of [...entries(spec.datastores), ...entries(spec.streams)]) {
      const traffic = c.traffic as Obj | undefined;
      if (traffic === undefined) continue;
      for (const key of ["readsPerSec", "writesPerSec", "messagesPerSec"])
        if (typeof traffic[key] === "number") traffic[key] = (traffic[key] as number) * 10;
      any = true;
    }
    return any;
  },
  /** The first service gains a region it was not in. */
  "new-region": (spec) => {
    // Regions the stack already knows first (a custom region has RTTs only to those it declares).
    const known = [
      ...Object.keys(spec.users ?? {}),
      ...entries(spec.datastores).flatMap(([, d]) => (typeof d.placement === "object" ? Object.keys(d.placement as Obj) : [])),
      ...CANDIDATE_REGIONS,
    ];
    for (const [, s] of entries(spec.services)) {
      const regions = s.regions as string[] | undefined;
      const extra = known.find((r) => regions !== undefined && !regions.includes(r));
      if (regions === undefined || extra === undefined) continue;
      s.regions = [...regions, extra];
      return true;
    }
    return false;
  },
  /** The first datastore with replicas in several regions moves its leader to an equally large one. */
  "leader-move": (spec) => {
    for (const [, d] of entries(spec.datastores)) {
      const placement = d.placement as Record<string, number> | string;
      if (typeof placement !== "object" || d.replication === "leaderless" || d.replication === "multi-leader")
        continue;
      const regions = Object.keys(placement);
      const current = (d.leader as string | undefined) ?? regions[0]!;
      // A real leader move goes to a region holding as many replicas (a synchronous quorum stays local).
      const next = regions.find((r) => r !== current && placement[r]! >= placement[current]!);
      if (next === undefined) continue;
      d.leader = next;
      return true;
    }
    return false;
  },
  /** Residency dropped from the first datastore that has one, or US residency added to the first one. */
  "residency-change": (spec) => {
    const [first] = entries(spec.datastores);
    const withResidency = entries(spec.datastores).find(([, d]) => d.residency !== undefined);
    if (withResidency) delete withResidency[1].residency;
    else if (first) first[1].residency = ["US"];
    else return false;
    return true;
  },
  /** The first Kubernetes datastore's volumes doubled, or else an MSK stream's broker volumes. */
  "storage-resize": (spec) => {
    for (const [, c] of [...entries(spec.datastores), ...entries(spec.streams)]) {
      const deploy = c.deploy as Obj | undefined;
      if (deploy?.target !== "kubernetes" && deploy?.service !== "msk") continue;
      deploy.storageGi = ((deploy.storageGi as number | undefined) ?? 1000) * 2;
      return true;
    }
    return false;
  },
  /** The first service's latency SLO halved. */
  "slo-tightening": (spec) => {
    for (const [, s] of entries(spec.services)) {
      const slo = s.slo as Obj | undefined;
      if (typeof slo?.latencyP99Ms !== "number") continue;
      slo.latencyP99Ms = Math.round(slo.latencyP99Ms / 2);
      return true;
    }
    return false;
  },
};

/** A loaded spec with `data` in place of its own, as a diff side. */
export const sideOf = (spec: LoadedSpec, data: unknown): DiffSide => diffSide(topologyFromData({ ...spec, data }));

/** Every example stack with each scenario that applies to it: [stack file, scenario, spec, changed data]. */
export async function scenarioCases() {
  const perStack = await Promise.all(
    stackFiles().map(async (file) => {
      const spec = await loadSpec(join(STACKS_DIR, file));
      return Object.keys(SCENARIOS).flatMap((scenario) => {
        const data = structuredClone(spec.data) as never;
        return SCENARIOS[scenario]!(data) ? [[file, scenario, spec, data] as const] : [];
      });
    }),
  );
  return perStack.flat();
}
