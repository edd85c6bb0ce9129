import { formatPath, type Severity } from "../diagnostics/diagnostic.js";
import type { ConfigPlace, PolicyConfig, Suppression } from "./types.js";

const RESERVED = new Set(["disabled", "severity", "suppress"]);

/** A validated `policies` block (spec or --policy-config file) → PolicyConfig. */
export function toPolicyConfig(block: Readonly<Record<string, unknown>>): PolicyConfig {
  const thresholds: Record<string, number | string | boolean> = {};
  for (const [key, value] of Object.entries(block)) {
    if (RESERVED.has(key)) continue;
    if (typeof value === "number" || typeof value === "string" || typeof value === "boolean")
      thresholds[key] = value;
  }
  return {
    disabled: (block.disabled as readonly string[] | undefined) ?? [],
    severity: (block.severity as Readonly<Record<string, Severity>> | undefined) ?? {},
    suppress: (block.suppress as readonly Suppression[] | undefined) ?? [],
    thresholds,
  };
}

/**
 * `over` (the --policy-config file) merged over `base` (the spec's policies block): thresholds and
 * severities of `over` win; disabled rules and suppressions add up.
 */
export function mergePolicyConfig(base: PolicyConfig, over: PolicyConfig): PolicyConfig {
  return {
    disabled: [...new Set([...base.disabled, ...over.disabled])],
    severity: { ...base.severity, ...over.severity },
    suppress: [...base.suppress, ...over.suppress],
    thresholds: { ...base.thresholds, ...over.thresholds },
  };
}

/** `policy.yaml:suppress[0].reason`: the file, then the path inside it as the spec writes paths. */
export const inFile =
  (file: string): ConfigPlace =>
  (segments) => ({ path: segments.length === 0 ? file : `${file}:${formatPath(segments)}` });
