import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import type { z } from "zod";
import { CONTROL_CHARACTERS, describeControl } from "../diagnostics/control.js";
import { type Diagnostic, InputError } from "../diagnostics/diagnostic.js";
import { parseJson } from "../spec/load/json.js";
import { parseYaml } from "../spec/load/yaml.js";
import { PolicySettings } from "../spec/schema/policies.js";
import { toPolicyConfig } from "./merge.js";
import type { PolicyConfig } from "./types.js";

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
 * ids and settings are checked later, against the rules that run.
 */
export async function loadPolicyConfig(file: string): Promise<PolicyConfig> {
  const parse = PARSERS[extname(file).toLowerCase()];
  if (parse === undefined)
    throw problem("--policy-config", `${file}: unsupported file type`, "use a .yaml, .yml or .json file");
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) throw problem("--policy-config", `${file}: no such file`, "check the path");
  let data: unknown = parse(text, file) ?? {};
  // Accept a whole `policies:` document as well as the bare block.
  if (typeof data === "object" && data !== null && !Array.isArray(data) && "policies" in data)
    data = (data as { policies: unknown }).policies;
  const hidden = controlCharacters(data, file);
  if (hidden.length > 0) throw new InputError(hidden);
  const result = PolicySettings.safeParse(data);
  if (!result.success) throw new InputError(result.error.issues.map((issue) => issueDiagnostic(file, issue)));
  return toPolicyConfig(result.data as Readonly<Record<string, unknown>>);
}

function issueDiagnostic(file: string, issue: z.core.$ZodIssue) {
  const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  return {
    code: "policy/config",
    severity: "error" as const,
    path: `${file}${path === "" ? "" : `:${path.replace(/^\./, "")}`}`,
    message: issue.message,
    fix: 'the file has the shape of the spec\'s policies block: { "bandwidth.headroom": 0.7, disabled: [...], severity: {...}, suppress: [{ rule, path, reason }] }',
  };
}

/**
 * Strings (keys and values) holding a control, invisible or bidirectional-override character: as
 * in a spec (spec/control-character), refused, since a suppression's reason reaches SARIF,
 * Markdown and terminals. Tabs and line breaks are fine in free text.
 */
function controlCharacters(data: unknown, file: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  const visit = (value: unknown, path: string) => {
    const check = (text: string, at: string) => {
      if (CONTROL_CHARACTERS.test(text.replace(/[\t\n]/g, "")))
        found.push({
          code: "policy/control-character",
          severity: "error",
          path: at,
          message: `the text holds a control, invisible or bidirectional-override character (${describeControl(text)})`,
          fix: "remove it: policy text is printed to terminals, pull-request comments and SARIF",
        });
    };
    if (typeof value === "string") check(value, path);
    else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(value[i], `${path}[${i}]`);
    } else if (value !== null && typeof value === "object")
      for (const [key, item] of Object.entries(value)) {
        check(key, path);
        visit(item, `${path}.${key}`);
      }
  };
  visit(data, file);
  return found;
}
