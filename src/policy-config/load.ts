import { readFile, stat } from "node:fs/promises";
import { extname } from "node:path";
import type { z } from "zod";
import { checkPolicyConfig } from "../../policies/config.js";
import type { Rule } from "../../policies/types.js";
import { CONTROL_CHARACTERS, describeControl } from "../diagnostics/control.js";
import { type Diagnostic, InputError, type PathSegment } from "../diagnostics/diagnostic.js";
import { closest } from "../diagnostics/suggest.js";
import { yamlLocator } from "../report/locate/yaml.js";
import { parseJson } from "../spec/load/json.js";
import { utf8Text } from "../spec/load/utf8.js";
import { parseYaml } from "../spec/load/yaml.js";
import { PolicySettings } from "../spec/schema/policies.js";
import { inFile, toPolicyConfig } from "./merge.js";
import type { ConfigPlace, PolicyConfig, PolicyConfigFile } from "./types.js";

const PARSERS: Readonly<Record<string, (text: string, file: string) => unknown>> = {
  ".yaml": parseYaml,
  ".yml": parseYaml,
  ".json": parseJson,
};

function problem(path: string, message: string, fix: string): InputError {
  return new InputError([{ code: "policy/config", severity: "error", path, message, fix }]);
}

/**
 * Reads a --policy-config file (YAML or JSON, the shape of the spec's `policies:` block). Unknown rule
 * ids and settings are checked against the rules that run: here with the shape's problems when
 * `rules` is given and the shape fails, else later (policies/run.ts); every problem names the file,
 * the path in it and its line.
 */
export async function loadPolicyConfig(
  file: string,
  /** The rules that will run, when known now (no --rules): a file that fails its shape is checked against them too. */
  rules?: readonly Rule[],
): Promise<PolicyConfigFile> {
  if ((await stat(file).catch(() => undefined))?.isDirectory())
    throw problem("--policy-config", `${file} is a directory`, "name the configuration file inside it");
  const parse = PARSERS[extname(file).toLowerCase()];
  if (parse === undefined)
    throw problem("--policy-config", `${file}: unsupported file type`, "use a .yaml, .yml or .json file");
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => error.code ?? "unreadable");
  if (typeof bytes === "string")
    throw problem(
      "--policy-config",
      bytes === "ENOENT" ? `${file}: no such file` : `${file} cannot be read (${bytes})`,
      "check the path and its permissions",
    );
  const text = utf8Text(bytes, file, "policy/config", "--policy-config");
  // An empty file (or one of comments only) is an empty configuration, not an error.
  const blank = text.split(/\r?\n/).every((line) => /^\s*(#.*)?$/.test(line));
  let data: unknown = blank ? {} : (parse(text, file) ?? {});
  // Accept a whole `policies:` document as well as the bare block.
  const wrapped = typeof data === "object" && data !== null && !Array.isArray(data) && "policies" in data;
  if (wrapped) data = (data as { policies: unknown }).policies;
  const at = placesIn(file, text, wrapped);
  // Every problem in one run: the hidden characters and the shape together.
  const hidden = controlCharacters(data, at);
  const result = PolicySettings.safeParse(data);
  const shape = result.success ? [] : result.error.issues.map((issue) => issueDiagnostic(at, issue, data));
  if (hidden.length > 0 || !result.success) {
    // Every problem in one run: the rule ids and settings of what could be read, too (they are
    // otherwise checked once the shape holds, and would come out a round later).
    const named =
      rules === undefined
        ? []
        : checkPolicyConfig(readable(data), rules, at).filter(
            // The same problem said twice (a setting of the wrong type, a rule id the shape refused).
            (d) => !shape.some((s) => s.path === d.path && s.message === d.message),
          );
    throw new InputError([...hidden, ...shape, ...named]);
  }
  return { name: file, config: toPolicyConfig(result.data as Readonly<Record<string, unknown>>), at };
}

/**
 * `policy.yaml:suppress[0].reason`, the file then the path inside it as the spec writes paths, and
 * the line and column where that path (or the nearest parent written) is. JSON is read as YAML.
 */
function placesIn(file: string, text: string, wrapped: boolean): ConfigPlace {
  const pathOf = inFile(file);
  let locate: ReturnType<typeof yamlLocator> | undefined;
  return (segments) => {
    locate ??= yamlLocator(text);
    return {
      ...pathOf(segments),
      location: { file, ...locate(wrapped ? ["policies", ...segments] : segments) },
    };
  };
}

function issueDiagnostic(at: ConfigPlace, issue: z.core.$ZodIssue, data: unknown): Diagnostic {
  const segments = issue.path.filter((p): p is PathSegment => typeof p !== "symbol");
  // A value outside a choice (`severity: { survival: warnig }`): the nearest one, as for rule ids.
  const choices = issue.code === "invalid_value" ? issue.values.map(String) : undefined;
  const input = segments.reduce<unknown>(
    (value, key) =>
      value !== null && typeof value === "object" ? (value as Record<PathSegment, unknown>)[key] : undefined,
    data,
  );
  const near = choices === undefined || typeof input !== "string" ? undefined : closest(input, choices);
  return {
    code: "policy/config",
    severity: "error" as const,
    ...at(segments),
    message:
      choices === undefined
        ? issue.message
        : `${typeof input === "string" ? `"${input}" is not` : "not"} one of ${choices.map((c) => `"${c}"`).join(", ")}${near === undefined ? "" : `: did you mean "${near}"?`}`,
    fix:
      near !== undefined
        ? `write "${near}"`
        : 'the file has the shape of the spec\'s policies block: { "bandwidth.headroom": 0.7, disabled: [...], severity: {...}, suppress: [{ rule, path, reason }] }',
  };
}

/** What of a configuration that fails its shape can still be read: rule ids and settings to check. */
function readable(data: unknown): PolicyConfig {
  const block =
    data !== null && typeof data === "object" && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : {};
  // Sparse where an item is unreadable: the rest keep their index (the path names it), and
  // forEach skips the holes.
  const sparse = <T>(value: unknown, keep: (item: unknown) => T | undefined): T[] => {
    const out: T[] = [];
    if (Array.isArray(value))
      value.forEach((item, i) => {
        const kept = keep(item);
        if (kept !== undefined) out[i] = kept;
      });
    return out;
  };
  const severity =
    block.severity !== null && typeof block.severity === "object" && !Array.isArray(block.severity)
      ? Object.fromEntries(Object.keys(block.severity).map((id) => [id, "error" as const]))
      : {};
  // A suppression without a rule id is the shape's problem alone.
  const suppress = sparse(block.suppress, (s) =>
    s !== null && typeof s === "object" && typeof (s as { rule?: unknown }).rule === "string"
      ? { rule: (s as { rule: string }).rule, path: "", reason: "" }
      : undefined,
  );
  const disabled = sparse(block.disabled, (id) => (typeof id === "string" ? id : undefined));
  return toPolicyConfig({ ...block, disabled, severity, suppress });
}

/**
 * Strings (keys and values) holding a control, invisible or bidirectional-override character: as
 * in a spec (spec/control-character), refused, since a suppression's reason reaches SARIF,
 * Markdown and terminals. Tabs and line feeds are not in CONTROL_CHARACTERS: fine in a reason.
 */
function controlCharacters(data: unknown, at: ConfigPlace): Diagnostic[] {
  const found: Diagnostic[] = [];
  const visit = (value: unknown, path: PathSegment[]) => {
    const check = (text: string, where: PathSegment[]) => {
      if (CONTROL_CHARACTERS.test(text))
        found.push({
          code: "policy/control-character",
          severity: "error",
          ...at(where),
          message: `the text holds a control, invisible or bidirectional-override character (${describeControl(text)})`,
          fix: "remove it: policy text is printed to terminals, pull-request comments and SARIF",
        });
    };
    if (typeof value === "string") check(value, path);
    else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(value[i], [...path, i]);
    } else if (value !== null && typeof value === "object")
      for (const [key, item] of Object.entries(value)) {
        check(key, [...path, key]);
        visit(item, [...path, key]);
      }
  };
  visit(data, []);
  return found;
}
