import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { compilePlan } from "../../src/compile/index.js";
import type { ResourcePlan } from "../../src/compile/plan.js";
import { topologyFromData } from "../../src/pipeline.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { startClock } from "../lib/clock.js";
import { exported, importOptional } from "../lib/optional.js";
import { sampleDir } from "../lib/sample-dir.js";
import { type BenchPlan, specOf } from "../plans.js";
import { type Params, type Subject, str } from "./types.js";

const RENDER = "src/render/index.ts";

export function readPlan(params: Params): BenchPlan {
  return JSON.parse(readFileSync(str(params, "planFile"), "utf8")) as BenchPlan;
}

/** Files and bytes under a directory (to show both sides wrote the same objects). */
function written(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return { files, bytes };
}

type RenderFiles = (plan: ResourcePlan) => readonly ({ path: string } & object)[];
type WriteRender = (files: readonly ({ path: string } & object)[], outDir: string) => Promise<unknown>;

/**
 * What `topoplan render` does after compiling: deferRenderPlan (paths now, each file's YAML made
 * as it is written), then writeRender.
 */
async function renderEntry(): Promise<((plan: ResourcePlan, outDir: string) => Promise<unknown>) | string> {
  const loaded = await importOptional<Record<string, unknown>>(RENDER);
  const render = exported<RenderFiles>(loaded, RENDER, "deferRenderPlan");
  if (!render.ok) return render.reason;
  const write = exported<WriteRender>(loaded, RENDER, "writeRender");
  if (!write.ok) return write.reason;
  return (plan, outDir) => write.module(render.module(plan), outDir);
}

/**
 * The objects cdk8s gets, compiled again: the first `count` Kubernetes objects of the plan of the
 * topology the plan file came from.
 */
function compileAgain(spec: TopologyInput, count: number): ResourcePlan {
  const { model } = topologyFromData({ file: "bench.ts", format: "typescript", text: "", data: spec });
  const plan = compilePlan(model);
  return {
    topology: plan.topology,
    resources: plan.resources.filter((r) => r.provider === "kubernetes").slice(0, count),
  };
}

/**
 * topoplan render: compile → YAML files in a fresh temp dir, as `topoplan render` does once the
 * spec is read (issue #15: the compile step is timed). The topology is generated before the clock
 * starts; the objects written are checked to be the ones cdk8s writes.
 */
export const renderTopoplan: Subject = async (params) => {
  const entry = await renderEntry();
  if (typeof entry === "string") return { skipped: entry };
  const { plan, spec } = readPlan(params);
  const topology = spec === undefined ? undefined : specOf(spec);
  const { dir: outDir, release } = sampleDir("render-");
  try {
    const clock = startClock();
    const rendered = topology === undefined ? plan : compileAgain(topology, plan.resources.length);
    // writeRender wants a directory that does not exist yet (or an earlier render).
    await entry(rendered, join(outDir, "out"));
    const { wallMs, cpuMs, kernelCpuMs } = clock.lap();
    const same = rendered.resources.every((r, i) => r.name === plan.resources[i]?.name);
    if (!same || rendered.resources.length !== plan.resources.length)
      throw new Error("the compiled objects are not the ones in the plan file");
    return {
      wallMs,
      cpuMs,
      info: {
        objects: rendered.resources.length,
        compiled: topology !== undefined,
        ...written(outDir),
        kernelCpuMs: Math.round(kernelCpuMs),
      },
    };
  } finally {
    release();
  }
};

/**
 * cdk8s synthesising the same manifests: App + Chart, one ApiObject per manifest (construction
 * timed), `app.synth()` writing YAML. One Chart per region, like one cluster per region; cdk8s
 * itself is imported before the clock starts, as topoplan's render module is.
 */
export const renderCdk8s: Subject = async (params) => {
  const { App, Chart, ApiObject } = await import("cdk8s");
  const { plan } = readPlan(params);
  const perRegion = params.charts !== "one";
  const { dir: outdir, release } = sampleDir("cdk8s-");
  try {
    const clock = startClock();
    const t0 = performance.now();
    const app = new App({ outdir });
    const charts = new Map<string, InstanceType<typeof Chart>>();
    for (const resource of plan.resources) {
      const key = perRegion ? resource.region : "topoplan";
      let chart = charts.get(key);
      if (chart === undefined) {
        chart = new Chart(app, key);
        charts.set(key, chart);
      }
      new ApiObject(
        chart,
        resource.name,
        resource.inputs as unknown as ConstructorParameters<typeof ApiObject>[2],
      );
    }
    const t1 = performance.now();
    app.synth();
    const t2 = performance.now();
    const { wallMs, cpuMs, kernelCpuMs } = clock.lap();
    return {
      wallMs,
      cpuMs,
      phases: { construct: t1 - t0, synth: t2 - t1 },
      info: {
        objects: plan.resources.length,
        charts: charts.size,
        ...written(outdir),
        kernelCpuMs: Math.round(kernelCpuMs),
      },
    };
  } finally {
    release();
  }
};
