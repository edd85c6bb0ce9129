import type { ErrorObject } from "ajv";
import { type Diagnostic, formatPath } from "../diagnostics/diagnostic.js";
import { closest } from "../diagnostics/suggest.js";
import { validate } from "./generated/topology-validator.generated.js";
import { fieldVocabulary } from "./json-schema.js";

/** ajv's standalone validator: a function that records its errors on itself. */
const validateTopologyDocument = validate as ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

let vocabulary: Set<string> | undefined;

/**
 * Validates a YAML/JSON document against the published JSON Schema — the same contract editors
 * use for completion — and maps ajv's errors to diagnostics. The schema is compiled ahead of time
 * (scripts/write-schema.ts), so this costs nothing at start-up.
 */
export function validateWithJsonSchema(data: unknown): Diagnostic[] {
  if (validateTopologyDocument(data)) return [];
  // Union branches each report their own failure; keep the errors a reader can act on.
  const errors = (validateTopologyDocument.errors ?? []).filter(
    (e) => !["anyOf", "oneOf", "if", "const"].includes(e.keyword),
  );
  vocabulary ??= fieldVocabulary();
  const known = vocabulary;
  return errors.map((error) => fromAjv(error, known));
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
