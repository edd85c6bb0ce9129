import type { Analysis } from "../src/analysis/types.js";
import { CONTROL_CHARACTERS, describeControl } from "../src/diagnostics/control.js";
import { type Diagnostic, formatPath, InputError } from "../src/diagnostics/diagnostic.js";
import { closest } from "../src/diagnostics/suggest.js";
import type { Model } from "../src/model/types.js";
import { inFile, mergePolicyConfig, toPolicyConfig } from "../src/policy-config/merge.js";
import {
  type ConfigPlace,
  EMPTY_POLICY_CONFIG,
  type PolicyConfig,
  type PolicyConfigFile,
  type Suppression,
} from "../src/policy-config/types.js";
import { terminalSafe } from "../src/report/escape.js";
import { checkPolicyConfig, settingsFor } from "./config.js";
import { EMPTY_ANALYSIS } from "./lib.js";
import { RULES } from "./registry.js";
import type { Finding, Rule, SuppressedFinding } from "./types.js";

export interface PolicyRunOptions {
  /** Rules to run. @default every built-in rule (RULES) */
  readonly rules?: readonly Rule[];
  /** Extra rules (users' own, from --rules), run after the built-ins. @default none */
  readonly extraRules?: readonly Rule[];
  /** A --policy-config file, already parsed and validated, merged over the spec's `policies` block. */
  readonly fileConfig?: PolicyConfigFile;
}

export interface PolicyResult {
  readonly findings: readonly Diagnostic[];
  readonly suppressed: readonly SuppressedFinding[];
}

/** A path in the spec's `policies` block (reports locate it in the spec). */
const IN_SPEC: ConfigPlace = (segments) => ({ path: formatPath(["policies", ...segments]) });

/** The configuration that applies: the spec's block, the file over it; InputError on unknown ids or settings. */
export function resolvePolicyConfig(
  model: Model,
  rules: readonly Rule[],
  options: PolicyRunOptions,
): PolicyConfig {
  const spec = toPolicyConfig(model.policies as Readonly<Record<string, unknown>>);
  const problems = checkPolicyConfig(spec, rules, IN_SPEC);
  let config = mergePolicyConfig(EMPTY_POLICY_CONFIG, spec);
  if (options.fileConfig !== undefined) {
    const { name, config: file, at = inFile(name) } = options.fileConfig;
    problems.push(...checkPolicyConfig(file, rules, at));
    config = mergePolicyConfig(config, file);
  }
  if (problems.length > 0) throw new InputError(problems);
  return config;
}

/** Every suppression that silences `finding` (the first one's reason is reported). */
function suppressionsFor(finding: Diagnostic, suppress: readonly Suppression[]): Suppression[] {
  return suppress.filter(
    (s) =>
      s.rule === finding.code &&
      (s.path === finding.path ||
        finding.path.startsWith(`${s.path}.`) ||
        finding.path.startsWith(`${s.path}[`)),
  );
}

/** The finding that stands for a rule that failed: an error whatever its configured severity. */
const crashed = (rule: Rule, message: string): Diagnostic => ({
  code: rule.id,
  severity: "error",
  path: "(root)",
  message,
  fix: `report the bug in rule ${rule.id}; disable it with policies.disabled: ["${rule.id}"] meanwhile`,
});

/** A finding with its path, message and fix as a terminal shows them (report/escape.ts terminalSafe). */
const visibleText = (finding: Diagnostic): Diagnostic => ({
  ...finding,
  path: terminalSafe(finding.path, false),
  message: terminalSafe(finding.message, false),
  ...(finding.fix === undefined ? {} : { fix: terminalSafe(finding.fix, false) }),
});

/** "a number", "an array", "null", "nothing": what a value is, for a message. */
const kindOf = (value: unknown): string => {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
};

const CONTROL_OR_BREAK = new RegExp(`[\\t\\n]|${CONTROL_CHARACTERS.source}`);

/** What is wrong with what a rule's `check` returned, or undefined when it is an array of findings. */
function malformedFindings(returned: unknown): string | undefined {
  if (!Array.isArray(returned)) return `${kindOf(returned)} from check, not an array of findings`;
  for (const [i, finding] of returned.entries()) {
    if (typeof finding !== "object" || finding === null || Array.isArray(finding))
      return `${kindOf(finding)} as finding [${i}], not an object with path and message`;
    const { path, message, fix, data } = finding as Record<string, unknown>;
    for (const [field, value, optional] of [
      ["path", path, false],
      ["message", message, false],
      ["fix", fix, true],
    ] as const) {
      if (typeof value === "string" || (optional && value === undefined)) continue;
      const got = value === undefined ? "is missing" : `is ${kindOf(value)}`;
      return `a finding whose ${field} ${got} (finding [${i}]); ${field} must be a string${optional ? " when given" : ""}`;
    }
    // Spec keys hold no control character, so such a path names nothing; printed, it could fake a line.
    if (typeof path === "string" && CONTROL_OR_BREAK.test(path))
      return `a finding whose path holds ${describeControl(path, /[\t\n]/)} (finding [${i}]); path must be a spec path, e.g. datastores.accounts.placement`;
    if (data !== undefined && (typeof data !== "object" || data === null || Array.isArray(data)))
      return `a finding whose data is ${kindOf(data)} (finding [${i}]); data must be an object when given`;
  }
  return undefined;
}

/**
 * Runs every enabled rule over the model and analysis. A rule that throws becomes an error finding
 * ("rule crashed: …"), never a crash, and so does one that returns something other than findings;
 * a rule that needs the analysis reports `unknown` when none ran.
 * Throws InputError (exit 2) for unknown rule ids or settings in the configuration.
 */
export function runPolicies(
  model: Model,
  analysis: Analysis | undefined,
  options: PolicyRunOptions = {},
): PolicyResult {
  const rules = [...(options.rules ?? RULES), ...(options.extraRules ?? [])];
  // Users' rules (--rules) write their own text: control, bidi and zero-width characters in it are
  // shown as \uXXXX in every report (SARIF and JSON too), as the spec's strings cannot hold them.
  const theirs = new Set(options.extraRules ?? []);
  const config = resolvePolicyConfig(model, rules, options);
  const findings: Diagnostic[] = [];
  const suppressed: SuppressedFinding[] = [];
  const used = new Set<Suppression>();
  const ran = new Set<string>();
  for (const rule of rules) {
    if (config.disabled.includes(rule.id)) continue;
    const severity = config.severity[rule.id] ?? rule.severity;
    let produced: Diagnostic[];
    if (rule.usesAnalysis === true && analysis === undefined) {
      produced = [
        {
          code: rule.id,
          severity,
          status: "unknown",
          path: "(root)",
          message: `${rule.id} needs the analysis, which did not run`,
          fix: "run the analysis (topoplan check runs it before the policies)",
        },
      ];
    } else {
      try {
        const returned: unknown = rule.check(model, analysis ?? EMPTY_ANALYSIS, settingsFor(rule, config));
        const malformed = malformedFindings(returned);
        // A user's rule (--rules) is not type-checked: a wrong shape is its bug, reported like a throw.
        produced =
          malformed !== undefined
            ? [crashed(rule, `rule ${rule.id} returned ${malformed}`)]
            : (returned as readonly Finding[]).map((f) => ({
                code: rule.id,
                severity,
                ...(f.status === "unknown" ? { status: "unknown" as const } : {}),
                path: f.path,
                message: f.message,
                ...(f.fix === undefined ? {} : { fix: f.fix }),
                ...(f.data === undefined ? {} : { data: f.data }),
              }));
      } catch (error) {
        produced = [crashed(rule, `rule crashed: ${error instanceof Error ? error.message : String(error)}`)];
      }
      if (theirs.has(rule)) produced = produced.map(visibleText);
      ran.add(rule.id);
    }
    for (const finding of produced) {
      // Every match counts as used: the same suppression in the spec and the --policy-config
      // file, or a parent path beside a child, is not "unused".
      const matches = suppressionsFor(finding, config.suppress);
      if (matches.length === 0) findings.push(finding);
      else {
        suppressed.push({ ...finding, reason: matches[0]!.reason });
        for (const match of matches) used.add(match);
      }
    }
  }
  findings.push(
    ...unusedSuppressions(config.suppress, used, ran, findings, suppressionPlaces(model, options)),
  );
  return { findings, suppressed };
}

export const UNUSED_SUPPRESSION = "policy/unused-suppression";

/**
 * Where each suppression of the merged configuration is written: the spec's block first, then the
 * --policy-config file's (mergePolicyConfig keeps that order).
 */
function suppressionPlaces(model: Model, options: PolicyRunOptions): ReturnType<ConfigPlace>[] {
  const spec = toPolicyConfig(model.policies as Readonly<Record<string, unknown>>).suppress;
  const places = spec.map((_, i) => IN_SPEC(["suppress", i]));
  const file = options.fileConfig;
  if (file !== undefined) {
    const at = file.at ?? inFile(file.name);
    places.push(...file.config.suppress.map((_, i) => at(["suppress", i])));
  }
  return places;
}

/**
 * `services.a.calls[0]`, `services.a.calls`, `services.a`: the paths a suppression may name to
 * match a finding at `path` — not the bare section (`services`), which would silence the rule
 * for every component in it.
 */
function pathAndParents(path: string): string[] {
  const out = [path];
  const section = path.indexOf(".");
  for (let i = path.length - 1; i > section; i--)
    if (path[i] === "." || path[i] === "[") out.push(path.slice(0, i));
  return out;
}

/**
 * A warning for each suppression of a rule that ran and matched none of its findings: the finding
 * it silenced is gone (remove the entry) or its path is misspelt — which would otherwise silence
 * nothing without a word, and the finding the user meant to accept still fails the run.
 */
function unusedSuppressions(
  suppress: readonly Suppression[],
  used: ReadonlySet<Suppression>,
  ran: ReadonlySet<string>,
  findings: readonly Diagnostic[],
  places: readonly ReturnType<ConfigPlace>[],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  suppress.forEach((s, i) => {
    if (used.has(s) || !ran.has(s.rule)) return;
    const paths = new Set(findings.filter((f) => f.code === s.rule).flatMap((f) => pathAndParents(f.path)));
    const near = closest(s.path, paths);
    out.push({
      code: UNUSED_SUPPRESSION,
      severity: "warning",
      ...places[i]!,
      message: `the suppression of ${s.rule} at ${s.path} matches no finding: ${
        near === undefined
          ? `${s.rule} finds nothing at ${s.path} or under it`
          : `${s.rule} finds nothing there; it does at ${near}`
      }`,
      fix:
        near === undefined
          ? "remove the suppression: the finding it silenced is gone, or its path names nothing"
          : `write path: ${near} if that is the finding meant, else remove the suppression`,
    });
  });
  return out;
}
