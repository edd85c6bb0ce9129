import { stat } from "node:fs/promises";
import type { PolicyRunOptions } from "../../policies/run.js";
import type { Analysis } from "../analysis/types.js";
import { InputError } from "../diagnostics/diagnostic.js";
import type { LoadedTopology } from "../pipeline.js";
import { type ParsedArgs, stringFlag } from "./command.js";

/**
 * `--policy-config FILE` and `--rules FILE.ts`, as `check` and `diff` take them: `diff` applies
 * the same file and rules to both versions, so its findings introduced and fixed are `check`'s.
 */
export const POLICY_OPTIONS = {
  "policy-config": { type: "string" },
  rules: { type: "string" },
} as const;

export const POLICY_USAGE = "[--policy-config FILE] [--rules FILE.ts]";

export const POLICY_DETAILS = [
  "  --policy-config FILE  policy settings (YAML/JSON, the shape of the spec's policies block), merged over it",
  "  --rules FILE.ts       your own rules: a .ts, .mts, .cts, .js, .mjs or .cjs module whose default export is a rule or an array of rules; see docs/policies.md",
] as const;

/** The flags read: the policy configuration parsed and checked, the rules module found. */
export interface PolicyFlags {
  readonly options: Pick<PolicyRunOptions, "fileConfig">;
  readonly rulesFile?: string;
}

export async function policyFlags(args: ParsedArgs): Promise<PolicyFlags> {
  const policyConfig = stringFlag(args, "policy-config");
  const rulesFile = stringFlag(args, "rules");
  if (rulesFile !== undefined) await checkRulesFile(rulesFile);
  const { loadPolicyConfig } = await import("../policy-config/load.js");
  // Without --rules the rules that run are known now: a file's shape problems and its unknown rule
  // ids come out together (with --rules, the ids are checked once the module is loaded).
  const known = rulesFile === undefined ? (await import("../../policies/registry.js")).RULES : undefined;
  return {
    options: policyConfig === undefined ? {} : { fileConfig: await loadPolicyConfig(policyConfig, known) },
    ...(rulesFile === undefined ? {} : { rulesFile }),
  };
}

/**
 * The policy options for one loaded topology and its analysis: the file's configuration, and the
 * users' rules with what their checks found on it (run in a child process: src/policy-config/rules.ts).
 */
export async function policyFor(
  flags: PolicyFlags,
  loaded: LoadedTopology,
  analysis: Analysis,
): Promise<PolicyRunOptions> {
  if (flags.rulesFile === undefined) return flags.options;
  const { userRules } = await import("../policy-config/rules.js");
  return { ...flags.options, extraRules: await userRules(flags.rulesFile, loaded, analysis, flags.options) };
}

/** Modules a rules file can be: what the spec loader compiles (TypeScript) or runs (JavaScript). */
const RULES_FILE = /\.(?:[cm]?ts|[cm]?js)$/i;

/**
 * `--rules` names a module that exists: a missing file or a folder said so, not as the compiler's
 * "Could not resolve /abs/path" with a fix to run tsc.
 */
async function checkRulesFile(file: string): Promise<void> {
  const refuse = (message: string, fix: string) =>
    new InputError([{ code: "policy/rules", severity: "error", path: "--rules", message, fix }]);
  if (!RULES_FILE.test(file))
    throw refuse(
      `${file} is not a TypeScript or JavaScript module`,
      "name a .ts (or .mts, .cts, .js, .mjs, .cjs) file whose default export is a rule or an array of rules",
    );
  const info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) throw refuse(`${file} is a directory`, "name the rules module inside it");
  if (info === undefined)
    throw refuse(`${file}: no such file`, "check the path (it is relative to the current directory)");
}
