import { join } from "node:path";
import { analyse, compareAnalyses, parseFailures } from "../../src/analysis/index.js";
import { runCheck } from "../../src/check.js";
import { compilePlan } from "../../src/compile/index.js";
import { requiredAddons } from "../../src/compile/prerequisites/index.js";
import { diffTopologies } from "../../src/diff/index.js";
import { renderDiffText } from "../../src/diff/render.js";
import { diffSide } from "../../src/diff/side.js";
import { type LoadedTopology, topologyFromData } from "../../src/pipeline.js";
import { deferRenderPlan } from "../../src/render/files.js";
import { writeRender } from "../../src/render/write.js";
import { formatAddons } from "../../src/report/addons.js";
import { renderAnalysisTables, renderChanges } from "../../src/report/analysis-tables.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { formatPlanSummary, summarisePlan } from "../../src/report/plan-summary.js";
import { renderSarif } from "../../src/report/sarif.js";
import { renderText } from "../../src/report/text.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { generateTopology, REGIONS_BY_AGE } from "../generate.js";
import { startClock } from "../lib/clock.js";
import { sampleDir } from "../lib/sample-dir.js";
import { num, type Params, type Subject, str } from "./types.js";

const PLAIN = { color: false };

/** The generated spec, handed over as a TypeScript spec's default export is (loading is the cold-start scenario's). */
function generated(params: Params): TopologyInput {
  return generateTopology({
    seed: num(params, "seed", 1),
    partitions: num(params, "partitions", 1000),
    replicas: num(params, "replicas", 5),
    regions: num(params, "regions", 25),
    services: num(params, "services", 200),
  });
}

const load = (data: TopologyInput, file = "bench.ts"): LoadedTopology =>
  topologyFromData({ file, format: "typescript", text: "", data });

/**
 * The edit `diff` compares: one more replica per region for a tenth of the services and one new
 * service calling the first one — an ordinary pull request against the generated topology.
 */
export function edited(spec: TopologyInput): TopologyInput {
  const next = structuredClone(spec);
  const services = Object.entries(next.services ?? {});
  services.forEach(([, service], i) => {
    if (i % 10 === 0) service.replicasPerRegion = (service.replicasPerRegion ?? 2) + 1;
  });
  const [firstName, first] = services[0] ?? [];
  if (firstName !== undefined && first !== undefined) {
    next.services ??= {};
    next.services["bench-added"] = {
      regions: first.regions,
      calls: [{ to: firstName, timeoutMs: 2000 }],
      deploy: { target: "kubernetes", image: "ghcr.io/acme/bench-added:1.0.0", port: 8080 },
    };
  }
  return next;
}

/**
 * Each command as its CLI runs it after the spec is parsed (src/cli/commands/*.ts), text output
 * built and dropped; `render` writes its files to a fresh temp directory.
 */
const COMMANDS: Readonly<
  Record<string, (spec: TopologyInput, scratch: string) => Promise<Record<string, number>>>
> = {
  async check(spec) {
    const loaded = load(spec);
    const report = runCheck(loaded);
    renderText(report, PLAIN);
    return { findings: report.findings.length };
  },
  // The PR formats, without line numbers (the spec is handed over as data: nothing to locate).
  async "check-markdown"(spec) {
    const loaded = load(spec);
    const report = runCheck(loaded);
    return { characters: renderMarkdown(report, { model: loaded.model }).length };
  },
  async "check-sarif"(spec) {
    const loaded = load(spec);
    const report = runCheck(loaded);
    return { characters: renderSarif(report).length };
  },
  async plan(spec) {
    const loaded = load(spec);
    const analysis = analyse(loaded.model);
    const plan = compilePlan(loaded.model, analysis);
    const resources = summarisePlan(plan);
    renderAnalysisTables(loaded.model, analysis, PLAIN);
    formatPlanSummary(resources);
    formatAddons(requiredAddons(plan.resources));
    return { resources: resources.total };
  },
  async whatif(spec) {
    const loaded = load(spec);
    // The oldest region: every generated topology has the most components there.
    const texts = [`region:${REGIONS_BY_AGE[0]}`];
    const failures = parseFailures(loaded.model, texts);
    const baseline = analyse(loaded.model);
    const changes = compareAnalyses(baseline, analyse(loaded.model, failures, baseline));
    renderChanges(texts, changes, PLAIN);
    return { changes: changes.length };
  },
  async render(spec, scratch) {
    const loaded = load(spec);
    const files = deferRenderPlan(compilePlan(loaded.model));
    await writeRender(files, join(scratch, "out"));
    return { files: files.length };
  },
  async diff(spec) {
    // The CLI's own sides (src/diff/side.ts): analysis (the second against the first), findings, plan.
    const first = diffSide(load(spec));
    const diff = diffTopologies(first, diffSide(load(edited(spec)), { before: first }));
    renderDiffText(diff, PLAIN);
    return { changedResources: diff.resources.length, analysisChanges: diff.analysis.length };
  },
};

export const COMMAND_NAMES = Object.keys(COMMANDS);

/** One topoplan command on a generated topology; the spec is generated before the clock starts. */
export const command: Subject = async (params) => {
  const name = str(params, "command");
  const run = COMMANDS[name];
  if (run === undefined) throw new Error(`unknown command ${name} (known: ${COMMAND_NAMES.join(", ")})`);
  const spec = generated(params);
  // A directory for what the command writes, let go after the clock stops (bench/lib/sample-dir.ts).
  const { dir: scratch, release } = sampleDir("cmd-");
  try {
    const clock = startClock();
    const info = await run(spec, scratch);
    const { wallMs, cpuMs, kernelCpuMs } = clock.lap();
    return {
      wallMs,
      cpuMs,
      info: {
        ...info,
        services: Object.keys(spec.services ?? {}).length,
        kernelCpuMs: Math.round(kernelCpuMs),
      },
    };
  } finally {
    release();
  }
};
