/**
 * Validators for custom resources from the operators' own CRDs (../shared/data/crds/, copied
 * verbatim with their sources): each version's `openAPIV3Schema` compiled by ajv. Kubernetes
 * extensions (`x-kubernetes-*`) are allowed as annotations.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
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
