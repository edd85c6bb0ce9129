import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { parse } from "yaml";
import type { CompileOptions } from "../compile/index.js";
import { InputError } from "../diagnostics/diagnostic.js";
import {
  CONFIG_KEYS,
  CONFIG_NAMESPACE,
  compileOptionsOf,
  parseStackSettings,
  rawStackSettings,
} from "./settings.js";

/** What a stack file gives a compile: the stack's name (in AWS physical names) and its options. */
export interface StackFile {
  readonly stack: string;
  readonly options: CompileOptions;
}

const STACK_FILE = /^Pulumi\.([^.].*)\.ya?ml$/;

/**
 * Reads a Pulumi stack file (`Pulumi.<stack>.yaml`, as Pulumi documents it: a `config` map whose
 * `topoplan:*` keys hold the settings) into the compile options the program makes of it
 * (settings.ts `compileOptionsOf`), without the Pulumi CLI: `topoplan diff --stack-config`
 * compares the plans a deploy would make, settings included. A secret (`secure:`) cannot be read
 * here; none of the settings a compile reads is one (a kubeconfig is the providers'). `option`
 * names the command-line option in messages. Throws InputError.
 */
export async function readStackFile(path: string, option: string, topology: string): Promise<StackFile> {
  const refuse = (message: string, fix: string): InputError =>
    new InputError([{ code: "config/invalid", severity: "error", path: option, message, fix }]);
  const stack = STACK_FILE.exec(basename(path))?.[1];
  if (stack === undefined)
    throw refuse(`${path} is not named as a Pulumi stack file`, "name the stack's file, Pulumi.<stack>.yaml");
  const text = await readFile(path, "utf8").catch(() => undefined);
  if (text === undefined) throw refuse(`cannot read ${path}`, "name an existing Pulumi.<stack>.yaml");
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw refuse(`${path} is not YAML: ${(error as Error).message.split("\n")[0]}`, "fix the stack file");
  }
  const config = (document as { config?: unknown } | null)?.config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config))
    throw refuse(`${path}: \`config\` is not a map`, "write the settings under `config:` as Pulumi does");
  // The values as the program reads them (rawStackSettings: JSON text for structured keys), and
  // every other topoplan:* key as written: parseStackSettings names an unknown one and its fix.
  const values = new Map<string, unknown>();
  for (const [key, value] of Object.entries(config as Record<string, unknown>))
    if (key.startsWith(`${CONFIG_NAMESPACE}:`))
      values.set(key.slice(CONFIG_NAMESPACE.length + 1), withoutSecrets(value));
  const { raw, problems } = rawStackSettings((key) => values.get(key));
  if (problems.length > 0) throw new InputError(problems.map((d) => ({ ...d, path: `${option} ${d.path}` })));
  for (const [key, value] of values) if (!(key in CONFIG_KEYS)) raw[key] = value;
  raw.topology ??= topology;
  try {
    return { stack, options: compileOptionsOf(parseStackSettings(raw), stack) };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(error.diagnostics.map((d) => ({ ...d, path: `${option} ${d.path}` })));
  }
}

/** A secret's place kept, its ciphertext not: Pulumi writes one as `{ secure: "…" }`. */
function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && entries[0]![0] === "secure") return "(secret)";
  return Object.fromEntries(entries.map(([k, v]) => [k, withoutSecrets(v)]));
}
