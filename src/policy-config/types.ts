import type { PathSegment, Severity, SourceLocation } from "../diagnostics/diagnostic.js";

/** One suppressed finding: rule id + spec path (exact, or a parent path), with a written reason. */
export interface Suppression {
  readonly rule: string;
  readonly path: string;
  readonly reason: string;
}

/**
 * Policy configuration: the spec's `policies:` block, optionally merged with a `--policy-config` file.
 * Thresholds are flat `"<rule>.<setting>"` keys.
 */
export interface PolicyConfig {
  readonly disabled: readonly string[];
  readonly severity: Readonly<Record<string, Severity>>;
  readonly suppress: readonly Suppression[];
  readonly thresholds: Readonly<Record<string, number | string | boolean>>;
}

export const EMPTY_POLICY_CONFIG: PolicyConfig = {
  disabled: [],
  severity: {},
  suppress: [],
  thresholds: {},
};

/** Where a problem with the configuration is: its diagnostic path, and its line when one is known. */
export type ConfigPlace = (segments: readonly PathSegment[]) => {
  readonly path: string;
  readonly location?: SourceLocation;
};

/** A `--policy-config` file as loaded: its configuration, and where a path inside it is written. */
export interface PolicyConfigFile {
  readonly name: string;
  readonly config: PolicyConfig;
  /** @default the path in the file (`name:path`), without a line */
  readonly at?: ConfigPlace;
}
