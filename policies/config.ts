import type { Diagnostic, PathSegment } from "../src/diagnostics/diagnostic.js";
import { closest, suggestion } from "../src/diagnostics/suggest.js";
import type { ConfigPlace, PolicyConfig } from "../src/policy-config/types.js";
import type { Rule, RuleSetting, RuleSettings } from "./types.js";

/**
 * Problems in a policy configuration against the rules that will run: unknown rule ids and settings
 * (with "did you mean"), settings of the wrong type. `at` places a path inside the block (under
 * `policies` in the spec; in the file, with its line, for --policy-config).
 */
export function checkPolicyConfig(
  config: PolicyConfig,
  rules: readonly Rule[],
  at: ConfigPlace,
): Diagnostic[] {
  const ids = rules.map((rule) => rule.id);
  const problems: Diagnostic[] = [];
  const problem = (segments: readonly PathSegment[], message: string, fix: string) =>
    problems.push({ code: "policy/config", severity: "error", ...at(segments), message, fix });
  const unknownRule = (segments: readonly PathSegment[], id: string) =>
    problem(
      segments,
      `unknown rule "${id}": ${suggestion(id, ids, "rules")}`,
      "use a rule id from RULES.md (or one loaded with --rules)",
    );
  config.disabled.forEach((id, i) => {
    if (!ids.includes(id)) unknownRule(["disabled", i], id);
  });
  for (const id of Object.keys(config.severity)) if (!ids.includes(id)) unknownRule(["severity", id], id);
  config.suppress.forEach((s, i) => {
    if (!ids.includes(s.rule)) unknownRule(["suppress", i, "rule"], s.rule);
  });
  const settingKeys = rules.flatMap((rule) =>
    Object.keys(rule.settings ?? {}).map((name) => `${rule.id}.${name}`),
  );
  for (const [key, value] of Object.entries(config.thresholds)) {
    const dot = key.indexOf(".");
    const rule = dot > 0 ? rules.find((r) => r.id === key.slice(0, dot)) : undefined;
    const setting = rule?.settings?.[key.slice(dot + 1)];
    if (setting === undefined) {
      const near = closest(key, settingKeys);
      problem(
        [key],
        `unknown policy setting "${key}": ${near ? `did you mean "${near}"?` : `settings are "<rule>.<setting>"; known: ${settingKeys.join(", ")}`}`,
        near ? `write "${near}"` : "see the settings column of RULES.md",
      );
      continue;
    }
    if (typeof value !== typeof setting.default) {
      problem(
        [key],
        `"${key}" must be a ${typeof setting.default} (got ${JSON.stringify(value)})`,
        `e.g. "${key}": ${JSON.stringify(setting.default)}`,
      );
    } else if (typeof value === "number") {
      const outside = outOfRange(key, value, setting);
      if (outside !== undefined) problem([key], outside.message, outside.fix);
    }
  }
  return problems;
}

/** A rule's settings: declared defaults, overridden by `"<id>.<setting>"` thresholds. */
export function settingsFor(rule: Rule, config: PolicyConfig): RuleSettings {
  const settings: Record<string, number | string | boolean> = {};
  for (const [name, spec] of Object.entries(rule.settings ?? {}))
    settings[name] = config.thresholds[`${rule.id}.${name}`] ?? spec.default;
  return settings;
}

/** A numeric setting outside its range, with "did you mean 0.7?" for a percentage given as a fraction. */
function outOfRange(
  key: string,
  value: number,
  setting: RuleSetting,
): { message: string; fix: string } | undefined {
  const { min = -Infinity, max = Infinity } = setting;
  if (!Number.isFinite(value))
    return { message: `"${key}" must be a finite number`, fix: `e.g. "${key}": ${setting.default}` };
  if (setting.integer === true && !Number.isInteger(value))
    return {
      message: `"${key}" must be a whole number (got ${value})`,
      fix: `use "${key}": ${Math.round(value)}`,
    };
  if (value >= min && value <= max) return undefined;
  const range = `${Number.isFinite(min) ? min : "−∞"}–${Number.isFinite(max) ? max : "∞"}`;
  const percent = max <= 1 && value > 1 && value <= 100 ? +(value / 100).toPrecision(6) : undefined;
  return {
    message: `"${key}" is ${value}, outside ${range}${percent === undefined ? "" : `: ${value} looks like a percentage; did you mean ${percent}?`}`,
    fix: `use "${key}": ${percent ?? Math.min(max, Math.max(min, value))}`,
  };
}
