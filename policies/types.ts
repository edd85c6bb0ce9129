import type { Analysis } from "../src/analysis/types.js";
import type { Diagnostic, Severity, Status } from "../src/diagnostics/diagnostic.js";
import type { Model } from "../src/model/types.js";

/** A setting value, as written in `policies:` (`"bandwidth.headroom": 0.7`). */
export type SettingValue = number | string | boolean;

/** A threshold a rule reads; declared so unknown settings in config are caught with a suggestion. */
export interface RuleSetting {
  readonly default: SettingValue;
  readonly description: string;
  /** Smallest accepted value (numbers), inclusive. @default none */
  readonly min?: number;
  /** Largest accepted value (numbers), inclusive. @default none */
  readonly max?: number;
  /** Whole numbers only. @default false */
  readonly integer?: boolean;
}

/** Settings a rule receives: every declared setting, defaults filled in. */
export type RuleSettings = Readonly<Record<string, SettingValue>>;

/** What a rule reports: the rule id and severity are added by the runner. */
export interface Finding {
  /** Spec path in dotted form, e.g. `datastores.accounts.placement`. */
  readonly path: string;
  /** What is wrong, with the numbers that decided it. */
  readonly message: string;
  /** A concrete change that resolves it. */
  readonly fix?: string;
  /** `unknown` when the rule could not decide. @default "fail" */
  readonly status?: Status;
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface RuleDocs {
  /** Why the rule exists: the failure it prevents. */
  readonly why: string;
  /** How it decides, with the formula. */
  readonly how: string;
  /** What to change when it fires. */
  readonly fix: string;
}

/**
 * One policy rule (one file under policies/rules/, named by its stable id). `check` is pure: it reads
 * the resolved model and, when `usesAnalysis` is set, the analysis; it never throws on purpose
 * (a throw becomes a "rule crashed" finding).
 */
export interface Rule {
  /** Stable id, the public contract: `residency`, `bandwidth`, … */
  readonly id: string;
  readonly title: string;
  /** Default severity; `policies.severity` overrides it. */
  readonly severity: Severity;
  readonly docs: RuleDocs;
  /** Thresholds, configured as `"<id>.<setting>"`. @default none */
  readonly settings?: Readonly<Record<string, RuleSetting>>;
  /** The rule reads the analysis; when none ran it reports `unknown` instead of checking. @default false */
  readonly usesAnalysis?: boolean;
  check(model: Model, analysis: Analysis, settings: RuleSettings): readonly Finding[];
}

/** A finding silenced by a suppression, kept for the report with its reason. */
export interface SuppressedFinding extends Diagnostic {
  readonly reason: string;
}

/** Where rule documentation is published (SARIF helpUri, RULES.md links). */
export const RULES_DOC_BASE = "https://github.com/topoplan/topoplan/blob/main/RULES.md";

export function ruleHelpUri(id: string): string {
  return `${RULES_DOC_BASE}#${id}`;
}
