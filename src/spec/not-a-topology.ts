import type { Diagnostic } from "../diagnostics/diagnostic.js";

/**
 * A Pulumi stack settings file (`Pulumi.<stack>.yaml`: one `config:` map of `project:key` entries)
 * handed over instead of the topology: a slip tab completion invites next to `stacks/<name>.yaml`.
 * Said as such, with the spec the stack names (`topoplan:topology`), instead of "unknown field
 * config" and "name is missing".
 */
export function pulumiStackSettings(data: unknown): Diagnostic | undefined {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return undefined;
  const { config, name } = data as Record<string, unknown>;
  if (name !== undefined || config === null || typeof config !== "object" || Array.isArray(config))
    return undefined;
  const keys = Object.keys(config);
  if (keys.length === 0 || !keys.every((key) => /^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+$/.test(key)))
    return undefined;
  const topology = (config as Record<string, unknown>)["topoplan:topology"];
  const spec = typeof topology === "string" && /^[\w./@-]{1,300}$/.test(topology) ? topology : undefined;
  return {
    code: "spec/not-a-topology",
    severity: "error",
    path: "config",
    message:
      "this is a Pulumi stack settings file (a top-level `config:` of project:key settings), not a topology",
    fix:
      spec === undefined
        ? "pass the topology spec instead (the file the stack's topoplan:topology setting names)"
        : `pass the topology spec it names instead: ${spec}`,
  };
}
