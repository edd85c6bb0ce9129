/**
 * Validators for custom resources from the operators' own CRDs (../shared/data/crds/, copied
 * verbatim with their sources): each version's `openAPIV3Schema` compiled by ajv. Kubernetes
 * extensions (`x-kubernetes-*`) are allowed as annotations.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { parse } from "yaml";

const CRDS = fileURLToPath(new URL("../../../shared/data/crds/", import.meta.url));

interface Crd {
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; schema: { openAPIV3Schema: object } }[];
  };
}

const cache = new Map<string, ValidateFunction>();

/** The ajv validator of `apiVersion` in the CRD file. */
export function crdSchema(file: string, version: string): ValidateFunction {
  const key = `${file}|${version}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const crd = parse(readFileSync(`${CRDS}${file}`, "utf8")) as Crd;
  const schema = crd.spec.versions.find((v) => v.name === version)?.schema.openAPIV3Schema;
  if (schema === undefined) throw new Error(`${file} has no version ${version}`);
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  cache.set(key, validate);
  return validate;
}

/** A model-like class (`new X(manifest).validate()`) for the conformance tests' validator table. */
export function crdModel(file: string, version: string): new (manifest: unknown) => { validate(): void } {
  return class {
    readonly manifest: unknown;
    constructor(manifest: unknown) {
      this.manifest = manifest;
    }
    validate(): void {
      const validate = crdSchema(file, version);
      if (!validate(this.manifest))
        throw new Error(`${file} ${version}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`);
    }
  };
}

/**
 * Stricter: validates custom resources against an operator's CRD (../shared/data/crds): the version's
 * `openAPIV3Schema` compiled with ajv, as the API server would check it, with two additions:
 *
 * - Unknown fields are errors. The API server prunes them silently (structural schemas), so a
 *   misspelt field would be dropped without a word; here every object schema without
 *   `x-kubernetes-preserve-unknown-fields` or `additionalProperties` gets `additionalProperties: false`.
 * - CEL rules (`x-kubernetes-validations`) are not evaluated by ajv: `celRules` lists those that
 *   apply to the fields a resource sets, so a test can check each with a transcribed predicate and
 *   fail on any rule it has not reviewed.
 */
type Schema = Record<string, unknown>;

const CRDS_DIR = new URL("../../../shared/data/crds/", import.meta.url);

export interface CrdValidator {
  readonly group: string;
  readonly kind: string;
  readonly versions: readonly string[];
  /** Schema violations of one resource (empty when it validates), as readable lines. */
  errors(resource: unknown): string[];
  /** CEL rules on the schema nodes the resource populates, with the value each applies to. */
  celRules(resource: unknown): { path: string; rule: string; self: unknown }[];
}

/** Closes every object schema to unknown fields, as described above. */
function closed(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties" && value !== null && typeof value === "object") {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, closed(v)]),
      );
    } else if (
      (key === "items" || key === "additionalProperties") &&
      typeof value === "object" &&
      value !== null
    ) {
      out[key] = closed(value as Schema);
    } else {
      out[key] = value;
    }
  }
  if (
    out.properties !== undefined &&
    out.additionalProperties === undefined &&
    out["x-kubernetes-preserve-unknown-fields"] !== true
  )
    out.additionalProperties = false;
  return out;
}

/** Drops the Kubernetes extensions ajv does not know, keeping `x-kubernetes-validations` for celRules. */
function forAjv(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forAjv);
  if (schema === null || typeof schema !== "object") return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema as Schema)) {
    if (key.startsWith("x-kubernetes-")) continue;
    // Object keys under `properties` are field names, not keywords: keep them all.
    out[key] =
      key === "properties"
        ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, forAjv(v)]))
        : forAjv(value);
  }
  return out;
}

function collectCel(
  schema: Schema,
  value: unknown,
  path: string,
  out: { path: string; rule: string; self: unknown }[],
) {
  if (value === undefined) return;
  for (const v of (schema["x-kubernetes-validations"] as { rule: string }[] | undefined) ?? [])
    out.push({ path: path || "/", rule: v.rule, self: value });
  const properties = schema.properties as Record<string, Schema> | undefined;
  if (properties !== undefined && value !== null && typeof value === "object" && !Array.isArray(value))
    for (const [k, s] of Object.entries(properties))
      collectCel(s, (value as Record<string, unknown>)[k], `${path}/${k}`, out);
  const items = schema.items as Schema | undefined;
  if (items !== undefined && Array.isArray(value))
    for (const [i, item] of value.entries()) collectCel(items, item, `${path}/${i}`, out);
}

/** Loads `file` (a CRD YAML in ../shared/data/crds) and compiles the schema of `version`. */
export function loadCrd(file: string, version?: string): CrdValidator {
  const crd = parse(readFileSync(new URL(file, CRDS_DIR), "utf8")) as {
    spec: {
      group: string;
      names: { kind: string };
      versions: { name: string; schema: { openAPIV3Schema: Schema } }[];
    };
  };
  const versions = crd.spec.versions.map((v) => v.name);
  const chosen = crd.spec.versions.find((v) => v.name === (version ?? versions[0]));
  if (chosen === undefined)
    throw new Error(`${file} has no version ${version}; it has ${versions.join(", ")}`);
  const schema = closed(chosen.schema.openAPIV3Schema);
  // Kubernetes formats (int32, int64, date-time, …) are not asserted by the API server either.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile(forAjv(schema) as Schema);
  const apiVersion = `${crd.spec.group}/${chosen.name}`;
  return {
    group: crd.spec.group,
    kind: crd.spec.names.kind,
    versions,
    errors(resource) {
      const r = resource as { apiVersion?: string; kind?: string };
      const out: string[] = [];
      if (r.apiVersion !== apiVersion) out.push(`apiVersion ${r.apiVersion} is not ${apiVersion}`);
      if (r.kind !== crd.spec.names.kind) out.push(`kind ${r.kind} is not ${crd.spec.names.kind}`);
      if (!validate(resource))
        out.push(
          ...(validate.errors ?? []).map(
            (e: ErrorObject) =>
              `${e.instancePath || "/"} ${e.message}${e.params && "additionalProperty" in e.params ? `: ${String(e.params.additionalProperty)}` : ""}`,
          ),
        );
      return out;
    },
    celRules(resource) {
      const out: { path: string; rule: string; self: unknown }[] = [];
      collectCel(chosen.schema.openAPIV3Schema, resource, "", out);
      return out;
    },
  };
}
