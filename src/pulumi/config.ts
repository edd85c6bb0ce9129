import * as pulumi from "@pulumi/pulumi";
import { InputError } from "../diagnostics/diagnostic.js";
import { CONFIG_NAMESPACE, parseStackSettings, rawStackSettings, type StackSettings } from "./settings.js";

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
  const { raw, problems } = rawStackSettings((key) => config.get(key));
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
