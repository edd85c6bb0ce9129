import type { Analysis } from "../../src/analysis/types.js";
import { runCheck } from "../../src/check.js";
import type { Model } from "../../src/model/types.js";
import { topologyFromData } from "../../src/pipeline.js";
import { generateTopology } from "../generate.js";
import { startClock } from "../lib/clock.js";
import { exported, importOptional } from "../lib/optional.js";
import { num, type Subject } from "./types.js";

type Analyse = (model: Model) => Analysis;

/**
 * `check` without the file loader: validate + resolve (topologyFromData) and analysis + policies
 * (runCheck) of a generated topology handed over as data, as a TypeScript spec's default export is.
 * Loading a spec file is measured by the cold-start scenario instead.
 */
export const check: Subject = async (params) => {
  const topology = generateTopology({
    seed: num(params, "seed", 1),
    partitions: num(params, "partitions"),
    replicas: num(params, "replicas", 5),
    regions: num(params, "regions", 25),
    services: num(params, "services", 200),
  });
  const analysis = await importOptional<Record<string, unknown>>("src/analysis/index.ts");
  const analyse = exported<Analyse>(analysis, "src/analysis/index.ts", "analyse");

  const clock = startClock();
  const t0 = performance.now();
  const loaded = topologyFromData({ file: "bench.ts", format: "typescript", text: "", data: topology });
  const t1 = performance.now();
  const report = runCheck(loaded);
  const t2 = performance.now();
  // Until runCheck calls the analysis itself, the bench does, so the figure covers the whole check.
  let analysedByBench = false;
  if (report.analysis === undefined && analyse.ok) {
    analyse.module(loaded.model);
    analysedByBench = true;
  }
  const t3 = performance.now();
  const { wallMs, cpuMs } = clock.lap();

  const groups = loaded.model.datastores.reduce((sum, d) => sum + d.groups.length, 0);
  return {
    wallMs,
    cpuMs,
    phases: {
      "validate+resolve": t1 - t0,
      [report.analysis === undefined ? "runCheck (policies)" : "runCheck (analysis+policies)"]: t2 - t1,
      ...(analysedByBench ? { "analyse (bench)": t3 - t2 } : {}),
    },
    info: {
      partitions: loaded.model.datastores.reduce((sum, d) => sum + d.partitions.count, 0),
      placementGroups: groups,
      services: loaded.model.services.length,
      regions: loaded.model.regions.length,
      findings: report.findings.length,
      analysis:
        report.analysis !== undefined
          ? "runCheck"
          : analysedByBench
            ? "bench"
            : analyse.ok
              ? "?"
              : analyse.reason,
    },
  };
};
