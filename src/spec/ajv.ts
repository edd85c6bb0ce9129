import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { type Diagnostic, formatPath } from "../diagnostics/diagnostic.js";
import { closest } from "../diagnostics/suggest.js";
import { fieldVocabulary, topologyJsonSchema } from "./json-schema.js";

let compiled: { validate: ValidateFunction; vocabulary: Set<string> } | undefined;

function validator() {
  if (compiled === undefined) {
    const schema = topologyJsonSchema();
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    compiled = { validate: ajv.compile(schema), vocabulary: fieldVocabulary(schema) };
  }
  return compiled;
}

/**
 * Validates a YAML/JSON document against the published JSON Schema — the same contract editors
 * use for completion — and maps ajv's errors to diagnostics.
 */
export function validateWithJsonSchema(data: unknown): Diagnostic[] {
  const { validate, vocabulary } = validator();
  if (validate(data)) return [];
  // Union branches each report their own failure; keep the errors a reader can act on.
  const errors = (validate.errors ?? []).filter(
    (e) => !["anyOf", "oneOf", "if", "const"].includes(e.keyword),
  );
  return errors.map((error) => fromAjv(error, vocabulary));
}

function segmentsOf(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function fromAjv(error: ErrorObject, vocabulary: ReadonlySet<string>): Diagnostic {
  const segments = segmentsOf(error.instancePath);
  const path = formatPath(segments);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "additionalProperties") {
    const key = String(params.additionalProperty);
    const near = closest(key, vocabulary);
    return {
      code: "spec/unknown-field",
      severity: "error",
      path: formatPath([...segments, key]),
      message: `unknown field "${key}"${near ? `: did you mean "${near}"?` : ""}`,
      fix: near ? `rename "${key}" to "${near}"` : `remove "${key}"`,
    };
  }
  if (error.keyword === "required") {
    const missing = String(params.missingProperty);
    return {
      code: "spec/missing",
      severity: "error",
      path: formatPath([...segments, missing]),
      message: "required field is missing",
      fix: `add ${formatPath([...segments, missing])}`,
    };
  }
  return {
    code: `spec/${error.keyword}`,
    severity: "error",
    path,
    message: error.message ?? "is invalid",
    fix: `fix ${path} (see schema/topology.schema.json)`,
  };
}
