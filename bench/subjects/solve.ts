import { runCheck } from "../../src/check.js";
import { topologyFromData } from "../../src/pipeline.js";
import { entryText } from "../../src/solve/candidate.js";
import { solve } from "../../src/solve/solve.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { startClock } from "../lib/clock.js";
import { num, type Subject } from "./types.js";

/** 25 AWS regions on every continent: the candidate set of the solve scenarios. */
export const SOLVE_REGIONS = [
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ca-central-1",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "me-central-1",
  "sa-east-1",
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ap-east-1",
  "af-south-1",
  "il-central-1",
  "ca-west-1",
] as const;

/**
 * A global store to place: users on three continents, an API in three regions calling it, region
 * survival and three objectives (write p99, read p99 from the nearest replica, availability).
 */
export function solveTopology(replicas: number): TopologyInput {
  return solveTopologyWith(replicas, false);
}

/**
 * The same store; `roles`: analysed only (deploy target external, where every role may be placed)
 * and solved with `roles: "all"` — voters, read-only replicas and witnesses.
 */
export function solveTopologyWith(replicas: number, roles: boolean): TopologyInput {
  return {
    name: "solve-bench",
    users: { "us-east-1": 0.4, "eu-west-1": 0.35, "ap-northeast-1": 0.25 },
    datastores: {
      profiles: {
        replication: "consensus",
        consistency: "bounded-staleness",
        partitions: { count: 64 },
        replicas,
        placement: "auto",
        survive: "region",
        traffic: { readsPerSec: 20_000, writesPerSec: 2_000, itemBytes: 1024 },
        slo: { writeP99Ms: 250, readP99Ms: 20, availability: 0.9999 },
        ...(roles ? { deploy: { target: "external" as const } } : {}),
      },
    },
    services: {
      api: {
        regions: ["us-east-1", "eu-west-1", "ap-northeast-1"],
        calls: [
          { to: "profiles", op: "write", timeoutMs: 1000 },
          { to: "profiles", op: "read", timeoutMs: 200 },
        ],
      },
    },
  };
}

const load = (replicas: number, roles = false) =>
  topologyFromData(
    { file: "bench.ts", format: "typescript", text: "", data: solveTopologyWith(replicas, roles) },
    { placeAuto: false },
  );

/** `roles: 1` in the params: search every role (see solveTopologyWith). */
const rolesOf = (params: Parameters<Subject>[0]) => params.roles === 1;

/** `topoplan solve` without the file loader: the search, the full checks and the explanations. */
export const solveSubject: Subject = async (params) => {
  const roles = rolesOf(params);
  const loaded = load(num(params, "replicas", 5), roles);
  const space = roles ? ({ roles: "all" } as const) : {};
  // The search alone (what `placement: "auto"` runs in check), before the measured command.
  const s0 = performance.now();
  solve(loaded.model, { regions: SOLVE_REGIONS, top: 0, explain: false, ...space });
  const searchOnlyMs = performance.now() - s0;
  const clock = startClock();
  const report = solve(loaded.model, { regions: SOLVE_REGIONS, ...space });
  const { wallMs, cpuMs } = clock.lap();
  const s = report.datastores[0]!;
  return {
    wallMs,
    cpuMs,
    info: {
      searchOnlyMs: Math.round(searchOnlyMs),
      mode: s.mode,
      placements: s.stats.placements,
      candidates: s.stats.candidates,
      evaluated: s.stats.evaluated,
      fullChecks: s.stats.fullChecks,
      binding: s.binding.length,
      chosen:
        s.chosen === undefined
          ? "none"
          : Object.entries(s.chosen.placement)
              .map(([r, n]) => `${r}:${entryText(n).replace(/ /g, "")}`)
              .join(" "),
      ...(s.stats.gap === undefined ? {} : { gapPct: +(s.stats.gap.ratio * 100).toFixed(2) }),
    },
  };
};

/** The peer: one `check` of the same topology (the unit the solver's cost is counted in). */
export const solveCheckPeer: Subject = async (params) => {
  const loaded = load(num(params, "replicas", 5), rolesOf(params));
  const clock = startClock();
  runCheck(loaded);
  return clock.lap();
};
