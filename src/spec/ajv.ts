import type { ErrorObject } from "ajv";
import { type Diagnostic, formatPath } from "../diagnostics/diagnostic.js";
import { validate } from "./generated/topology-validator.generated.js";
import { unknownField } from "./issues.js";
import { specFieldNames } from "./json-schema.js";

/** ajv's standalone validator: a function that records its errors on itself. */
const validateTopologyDocument = validate as ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

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
  return errors.map((error) => fromAjv(error, data));
}

function segmentsOf(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** The value at `segments` of `data`, for the union branch its discriminator selects. */
function valueAt(data: unknown, segments: readonly (string | number)[]): unknown {
  let value = data;
  for (const segment of segments)
    value =
      value !== null && typeof value === "object" ? (value as Record<string, unknown>)[segment] : undefined;
  return value;
}

function fromAjv(error: ErrorObject, data: unknown): Diagnostic {
  const segments = segmentsOf(error.instancePath);
  const path = formatPath(segments);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "additionalProperties") {
    const key = String(params.additionalProperty);
    const { message, fix } = unknownField(key, segments, valueAt(data, segments), specFieldNames());
    return {
      code: "spec/unknown-field",
      severity: "error",
      path: formatPath([...segments, key]),
      message,
      fix: fix ?? `remove "${key}"`,
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
