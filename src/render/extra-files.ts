import type { ResourcePlan } from "../compile/plan.js";

/** A file `render` writes: a path relative to the output directory (`/`-separated) and its text. */
export interface RenderedFile {
  readonly path: string;
  readonly content: string;
}

/**
 * Files a target adds besides its resources, derived from the plan: Prometheus rule files
 * (`<region>/prometheus/<name>.rules.yaml`), Grafana dashboards (`dashboards/<name>.json`), …
 * Must be pure and deterministic (same plan → same bytes).
 */
export type ExtraFiles = (plan: ResourcePlan) => readonly RenderedFile[];

/**
 * Every extra-file producer, by target. A target registers one line here, e.g.
 * `observability: observabilityFiles`. Every Kubernetes resource (PrometheusRule, dashboard
 * ConfigMaps, …) is already written as a manifest; this is only for files that are not resources.
 */
export const EXTRA_FILES: Readonly<Record<string, ExtraFiles>> = {};
