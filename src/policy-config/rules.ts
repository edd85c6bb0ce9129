import { resolve } from "node:path";
import type { Rule } from "../../policies/types.js";
import { InputError } from "../diagnostics/diagnostic.js";
import { importSandboxed } from "../spec/load/sandbox.js";
import { NOT_UTF8, UTF8_FIX } from "../spec/load/utf8.js";

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

/** The default export (a rule or an array; under CommonJS, module.exports.default) or every named rule. */
function exportedRules(module: Record<string, unknown>): Rule[] {
  let value = module.default;
  if (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    !isRule(value) &&
    "default" in value
  )
    value = (value as { default: unknown }).default;
  const named = Object.entries(module)
    .filter(([key]) => key !== "default" && key !== "module.exports")
    .map(([, v]) => v);
  return (isRule(value) || Array.isArray(value) ? [value].flat() : named).filter(isRule);
}

/** Runs user code with its stdout sent to stderr, so nothing it prints lands in a report. */
function quietly<T>(fn: () => T): T {
  const write = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  const restore = () => {
    process.stdout.write = write;
  };
  try {
    const result = fn();
    if (result instanceof Promise) return result.finally(restore) as T;
    restore();
    return result;
  } catch (error) {
    restore();
    throw error;
  }
}

/**
 * Loads users' own rules from a TypeScript (or JavaScript) module in the sandbox TypeScript specs
 * load in (time limit, own stdout): the default export (a rule or an array of rules) or else every exported rule.
 * Ids must be new: a user rule cannot shadow a built-in one.
 */
export async function loadRules(file: string, builtInIds: readonly string[]): Promise<Rule[]> {
  // After the sandbox's pass, the same compiled module is imported here for its check functions
  // (the model holds functions, so checks cannot run in the child); its console output still goes
  // to stderr.
  const outcome = await importSandboxed(resolve(file), "rules", undefined, (url) =>
    quietly(() => import(url)),
  );
  if (outcome.kind === "compile-error")
    throw problem(
      file,
      `could not be compiled: ${outcome.message}${outcome.location ? ` (${outcome.location.file}:${outcome.location.line}:${outcome.location.column})` : ""}`,
      outcome.message === NOT_UTF8
        ? UTF8_FIX
        : "fix the error there and run `npx tsc --noEmit` on the rules file",
    );
  if (outcome.kind === "threw")
    throw problem(
      file,
      `could not be loaded: ${outcome.error.message.split("\n")[0]}`,
      "check the path and run `npx tsc --noEmit` on the rules file",
    );
  if (outcome.kind === "timeout")
    throw problem(
      file,
      `did not finish loading within ${outcome.ms} ms (an endless loop, or a promise that never settles?)`,
      "a rules module only defines its rules; set TOPOPLAN_TIMEOUT_MS if it really needs longer",
    );
  if (outcome.kind === "exited")
    throw problem(
      file,
      `ended the process while loading (process.exit(${outcome.code}))`,
      "remove the process.exit call",
    );
  if (outcome.kind === "unsettled")
    throw problem(
      file,
      "finished without exporting its rules: a top-level await never settled (a promise nothing resolves)",
      "resolve the awaited promise, or define the rules without it",
    );
  if (outcome.kind !== "rules") throw new Error("unreachable: rules are imported as rules");
  if (outcome.rules.length === 0) {
    throw problem(
      file,
      "exports no rule",
      "export default { id, title, severity, docs: { why, how, fix }, check(model, analysis, settings) { return []; } }",
    );
  }
  const rules = exportedRules(outcome.module as Record<string, unknown>).map(
    (rule): Rule => ({ ...rule, check: (...args) => quietly(() => rule.check(...args)) }),
  );
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
