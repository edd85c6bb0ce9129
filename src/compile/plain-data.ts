/**
 * A deep copy with JSON's meaning, `JSON.parse(JSON.stringify(value))` without the text in between
 * (3–4× faster; the plan copies every manifest): `undefined`, functions and symbols are dropped
 * from objects and become `null` in arrays, non-finite numbers become `null` (and -0 is 0), `toJSON` is honoured,
 * and nothing is shared between the copy and the input (shared sub-objects would render as YAML
 * anchors). Key order is the input's, as JSON.stringify keeps it.
 */
export function plainCopy(value: unknown): unknown {
  if (value === null || typeof value !== "object") {
    // JSON writes -0 as 0 and non-finite numbers as null.
    if (typeof value === "number") return Number.isFinite(value) ? value + 0 : null;
    return value;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      out[i] = skipped(item) ? null : plainCopy(item);
    }
    return out;
  }
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === "function") return plainCopy(withJson.toJSON());
  const out: Record<string, unknown> = {};
  const record = value as Record<string, unknown>;
  if (isPlainObject(value)) {
    // for…in lists a plain object's own keys in Object.keys order without making the list (every
    // manifest of the plan is copied here).
    for (const key in record) {
      const item: unknown = record[key];
      if (!skipped(item)) out[key] = plainCopy(item);
    }
    return out;
  }
  for (const key of Object.keys(record)) {
    const item: unknown = record[key];
    if (!skipped(item)) out[key] = plainCopy(item);
  }
  return out;
}

const skipped = (value: unknown) =>
  value === undefined || typeof value === "function" || typeof value === "symbol";

/** No enumerable key is inherited (unless Object.prototype itself is polluted): for…in visits the own keys. */
const isPlainObject = (value: object) => {
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
};
