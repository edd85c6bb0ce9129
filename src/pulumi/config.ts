import * as pulumi from "@pulumi/pulumi";
import { type Diagnostic, InputError } from "../diagnostics/diagnostic.js";
import { CONFIG_KEYS, CONFIG_NAMESPACE, parseStackSettings, type StackSettings } from "./settings.js";

export {
  type AlarmSubscription,
  CONFIG_KEYS,
  CONFIG_NAMESPACE,
  parseStackSettings,
  type StackSettings,
} from "./settings.js";

/**
 * Reads and validates the stack's settings from Pulumi config; `topology` is used when the stack
 * names none. Throws InputError.
 */
export function readStackSettings(
  config = new pulumi.Config(CONFIG_NAMESPACE),
  topology?: string,
): StackSettings {
  const raw: Record<string, unknown> = {};
  const problems: Diagnostic[] = [];
  for (const [key, kind] of Object.entries(CONFIG_KEYS)) {
    const text = config.get(key);
    if (text === undefined) continue;
    if (kind === "text") {
      raw[key] = text;
      continue;
    }
    try {
      raw[key] = JSON.parse(text);
    } catch {
      problems.push({
        code: "config/invalid",
        severity: "error",
        path: `${CONFIG_NAMESPACE}:${key}`,
        message: `expected a structured value (YAML map), got ${JSON.stringify(text)}`,
        fix: `write it as a map in the stack file, or: pulumi config set --path '${CONFIG_NAMESPACE}:${key}.<region>.<field>' <value>`,
      });
    }
  }
  if (raw.topology === undefined && topology !== undefined) raw.topology = topology;
  if (raw.topology === undefined) {
    problems.push({
      code: "config/missing",
      severity: "error",
      path: `${CONFIG_NAMESPACE}:topology`,
      message: "the stack names no topology",
      fix: `pulumi config set ${CONFIG_NAMESPACE}:topology stacks/<name>.ts`,
    });
  }
  if (problems.length > 0) throw new InputError(problems);
  return parseStackSettings(raw);
}
