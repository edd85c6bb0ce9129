import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Rule } from "../../policies/types.js";
import { InputError } from "../diagnostics/diagnostic.js";

const SEVERITIES = new Set(["error", "warning", "info"]);

function problem(file: string, message: string, fix: string): InputError {
  return new InputError([
    { code: "policy/rules", severity: "error", path: "--rules", message: `${file}: ${message}`, fix },
  ]);
}

function isRule(value: unknown): value is Rule {
  if (value === null || typeof value !== "object") return false;
  const rule = value as Partial<Rule>;
  return typeof rule.id === "string" && typeof rule.check === "function";
}

/**
 * Loads users' own rules from a TypeScript (or JavaScript) module with tsx, as TypeScript specs are
 * loaded: the default export (a rule or an array of rules) or else every exported rule.
 * Ids must be new: a user rule cannot shadow a built-in one.
 */
export async function loadRules(file: string, builtInIds: readonly string[]): Promise<Rule[]> {
  const { tsImport } = await import("tsx/esm/api");
  let module: Record<string, unknown>;
  try {
    module = (await tsImport(pathToFileURL(resolve(file)).href, import.meta.url)) as Record<string, unknown>;
  } catch (error) {
    throw problem(
      file,
      `could not be loaded: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      "check the path and run `npx tsc --noEmit` on the rules file",
    );
  }
  // Outside a "type": "module" package the file is CommonJS: its exports object arrives as `default`.
  const commonJs = module.default as Record<string, unknown> | undefined;
  if (commonJs !== undefined && typeof commonJs === "object" && !Array.isArray(commonJs) && !isRule(commonJs))
    module = commonJs;
  const exported = module.default !== undefined ? [module.default].flat() : Object.values(module);
  const rules = exported.filter(isRule);
  if (rules.length === 0) {
    throw problem(
      file,
      "exports no rule",
      "export default { id, title, severity, docs: { why, how, fix }, check(model, analysis, settings) { return []; } }",
    );
  }
  const seen = new Set(builtInIds);
  for (const rule of rules) {
    if (!/^[a-z][a-z0-9-]*$/.test(rule.id))
      throw problem(
        file,
        `rule id "${rule.id}" is not a lowercase id`,
        'use an id such as "require-three-zones"',
      );
    if (seen.has(rule.id))
      throw problem(file, `rule id "${rule.id}" is already taken`, "give the rule an id of its own");
    if (!SEVERITIES.has(rule.severity))
      throw problem(
        file,
        `rule "${rule.id}" has severity "${String(rule.severity)}"`,
        "use error, warning or info",
      );
    seen.add(rule.id);
  }
  return rules;
}
