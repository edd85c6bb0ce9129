import { resolve } from "node:path";
import { settingsFor } from "../../policies/config.js";
import { RULES } from "../../policies/registry.js";
import { type PolicyRunOptions, resolvePolicyConfig } from "../../policies/run.js";
import type { Rule } from "../../policies/types.js";
import type { Analysis } from "../analysis/types.js";
import { formatPath, InputError } from "../diagnostics/diagnostic.js";
import type { Model } from "../model/types.js";
import { inSpec, type LoadedTopology } from "../pipeline.js";
import {
  type CheckRun,
  importSandboxed,
  type RunPayload,
  type SandboxOutcome,
} from "../spec/load/sandbox.js";
import { NOT_UTF8, UTF8_FIX } from "../spec/load/utf8.js";

const SEVERITIES = new Set(["error", "warning", "info"]);

/** A user's rule as its module declares it: everything but the check, which runs in the sandbox. */
export type RuleDeclaration = Omit<Rule, "check">;

function problem(file: string, message: string, fix: string): InputError {
  return new InputError([
    { code: "policy/rules", severity: "error", path: "--rules", message: `${file}: ${message}`, fix },
  ]);
}

const EXAMPLE_RULE =
  "export default { id, title, severity, docs: { why, how, fix }, check(model, analysis, settings) { return []; } }";

/** The outcomes every pass over the module can end in, as problems with the module (exit 2). */
function refusal(file: string, outcome: SandboxOutcome, doing: "loading" | "running its checks"): InputError {
  // While checks run, the child answers with their results or fails: any other message is the module's own.
  if (doing !== "loading" && !["threw", "timeout", "exited"].includes(outcome.kind)) return unexpected(file);
  switch (outcome.kind) {
    case "compile-error":
      return problem(
        file,
        `could not be compiled: ${outcome.message}${outcome.location ? ` (${outcome.location.file}:${outcome.location.line}:${outcome.location.column})` : ""}`,
        outcome.message === NOT_UTF8
          ? UTF8_FIX
          : "fix the error there and run `npx tsc --noEmit` on the rules file",
      );
    case "threw":
      return doing === "loading"
        ? problem(
            file,
            `could not be loaded: ${outcome.error.message.split("\n")[0]}`,
            "check the path and run `npx tsc --noEmit` on the rules file",
          )
        : problem(
            file,
            `its checks could not run: ${outcome.error.message.split("\n")[0]}`,
            "a check returns its findings and leaves nothing behind: no timer or promise that fails later",
          );
    case "timeout":
      return doing === "loading"
        ? problem(
            file,
            `did not finish loading within ${outcome.ms} ms (an endless loop, or a promise that never settles?)`,
            "a rules module only defines its rules; set TOPOPLAN_TIMEOUT_MS if it really needs longer",
          )
        : problem(
            file,
            `its checks did not finish within ${outcome.ms} ms (an endless loop in a check?)`,
            "a check reads the model and returns its findings; set TOPOPLAN_TIMEOUT_MS if it really needs longer",
          );
    case "exited":
      return problem(
        file,
        `ended the process while ${doing} (process.exit(${outcome.code}))`,
        "remove the process.exit call",
      );
    case "unsettled":
      return problem(
        file,
        "finished without exporting its rules: a top-level await never settled (a promise nothing resolves)",
        "resolve the awaited promise, or define the rules without it",
      );
    case "not-data":
      return problem(
        file,
        `the declaration of its rules at ${formatPath(outcome.bad.at)} ${outcome.bad.why}`,
        "declare id, title, severity, docs and settings as plain data; only check is a function",
      );
    default:
      // Only the module can send another message (process.send): the sandbox answers as asked.
      return unexpected(file);
  }
}

const unexpected = (file: string) =>
  problem(
    file,
    "sent topoplan a message it did not ask for (process.send in the module or a check?)",
    "remove the process.send call: a rules module exports its rules, and a check returns its findings",
  );

/**
 * Loads the declarations of users' own rules from a TypeScript (or JavaScript) module in the
 * sandbox TypeScript specs load in (time limit, own stdout): the default export (a rule or an
 * array of rules) or else every exported rule. Ids must be new: a user rule cannot shadow a
 * built-in one. Their checks run in the sandbox too ({@link userRules}).
 */
export async function loadRules(file: string, builtInIds: readonly string[]): Promise<RuleDeclaration[]> {
  return declarations(file, await importSandboxed(resolve(file), "rules"), builtInIds);
}

/** The rules a module's sandbox declared, checked: a lowercase id of their own and a known severity each. */
function declarations(
  file: string,
  outcome: SandboxOutcome,
  builtInIds: readonly string[],
): RuleDeclaration[] {
  if (outcome.kind !== "rules") throw refusal(file, outcome, "loading");
  if (!Array.isArray(outcome.rules) || !outcome.rules.every(isDeclaration)) throw unexpected(file);
  const rules = outcome.rules as RuleDeclaration[];
  if (rules.length === 0) throw problem(file, "exports no rule", EXAMPLE_RULE);
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

/**
 * The model as data for the sandbox: everything but its catalog's two round-trip functions, which
 * travel as their table over every pair of catalog regions (a check may ask for any of them).
 */
function runPayload(model: Model, analysis: Analysis, runs: RunPayload["runs"]): RunPayload {
  const { rttMs, rttJitterMs, ...catalog } = model.catalog;
  const regions = [...catalog.regions.keys()];
  const pairs = regions.flatMap((a) => regions.map((b) => [a, b, rttMs(a, b), rttJitterMs(a, b)] as const));
  // What a pair with a region the catalog lacks gives: one name twice (an intra-region figure) or two.
  const unknown = {
    same: [rttMs(" ", " "), rttJitterMs(" ", " ")] as const,
    different: [rttMs(" ", "  "), rttJitterMs(" ", "  ")] as const,
  };
  return { model: { ...model, catalog }, analysis, rtt: { pairs, unknown }, runs };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;
/** What the sandbox sends for a rule (src/spec/load/sandbox.ts `rules`): an object with a string id at least. */
const isDeclaration = (value: unknown) => isObject(value) && typeof value.id === "string";
/** What the sandbox sends for a check run: its id and one of value, bad or error. */
const isCheckRun = (value: unknown): value is CheckRun =>
  isObject(value) &&
  typeof value.id === "string" &&
  ("value" in value || (isObject(value.bad) && Array.isArray(value.bad.at)) || isObject(value.error));

/** What a check run in the sandbox gives runPolicies: its findings as returned, or its failure thrown. */
function replay(run: CheckRun | undefined): unknown {
  // Every enabled rule's check was run (userRules): none is left to pass by saying nothing.
  if (run === undefined) throw new Error("its check was not run");
  if ("error" in run) throw Object.assign(new Error(run.error.message), { name: run.error.name });
  if ("bad" in run) {
    const where = run.bad.at.length === 0 ? "what it returned" : `its result at ${formatPath(run.bad.at)}`;
    // The sandbox's wording for a promise speaks to a spec (`export default await`); a check is synchronous.
    const why = run.bad.why.startsWith("is a promise")
      ? "is a promise (a check is synchronous)"
      : run.bad.why;
    throw new Error(`${where} ${why}; a check returns an array of plain findings`);
  }
  return run.value;
}

/**
 * Users' own rules (`--rules FILE`), their checks run on the model and the analysis in the child
 * process that imported the module (src/spec/load/sandbox.ts): a check that loops for ever meets
 * the time limit (exit 2), one that calls process.exit ends the child, and what it prints, on file
 * descriptor 1 too, goes to stderr, never into a report. The rules returned hold what each check
 * gave, for runPolicies (a throw or a result that is not data becomes the rule's error finding
 * there); disabled rules are not run. Throws InputError for the module's problems and the policy
 * configuration's.
 */
export async function userRules(
  file: string,
  loaded: LoadedTopology,
  analysis: Analysis,
  options: Pick<PolicyRunOptions, "fileConfig"> = {},
): Promise<Rule[]> {
  const runs = new Map<string, CheckRun>();
  let rules: Rule[] | undefined;
  let checking = false;
  // One child declares the rules and then runs the checks the configuration leaves enabled.
  const outcome = await importSandboxed(resolve(file), "rules", undefined, (declared) => {
    const mine = declarations(
      file,
      declared,
      RULES.map((rule) => rule.id),
    ).map((rule): Rule => ({ ...rule, check: () => replay(runs.get(rule.id)) as [] }));
    rules = mine;
    const config = inSpec(loaded, () => resolvePolicyConfig(loaded.model, [...RULES, ...mine], options));
    const wanted = mine
      .filter((rule) => !config.disabled.includes(rule.id))
      .map((rule) => ({ id: rule.id, settings: settingsFor(rule, config) }));
    checking = wanted.length > 0;
    return checking ? runPayload(loaded.model, analysis, wanted) : undefined;
  });
  // No declarations came: the outcome is the loading's (a loop, a throw, process.exit).
  if (rules === undefined) throw refusal(file, outcome, "loading");
  if (!checking) return rules; // none enabled: no check ran
  if (outcome.kind !== "ran") throw refusal(file, outcome, "running its checks");
  if (!Array.isArray(outcome.results) || !outcome.results.every(isCheckRun)) throw unexpected(file);
  for (const run of outcome.results) runs.set(run.id, run);
  return rules;
}
