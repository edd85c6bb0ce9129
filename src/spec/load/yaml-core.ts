import jsyaml from "js-yaml";

/**
 * YAML 1.2's core schema as the `yaml` package resolves plain scalars (its dist/schema/core
 * int.js, float.js), for js-yaml: js-yaml's own core schema also reads `0b101`, `+0x1`, `-0o7` as
 * numbers and `-.5`, `+.5` as strings, so a spec would mean something else on the fast path.
 */
const INT = { decimal: /^[-+]?[0-9]+$/, octal: /^0o[0-7]+$/, hex: /^0x[0-9a-fA-F]+$/ };
const FLOAT = {
  special: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  exponent: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  fraction: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
};

const int = new jsyaml.Type("tag:yaml.org,2002:int", {
  kind: "scalar",
  resolve: (text: string | null) =>
    text !== null && (INT.decimal.test(text) || INT.octal.test(text) || INT.hex.test(text)),
  construct: (text: string) =>
    INT.decimal.test(text)
      ? Number.parseInt(text, 10)
      : Number.parseInt(text.slice(2), text[1] === "o" ? 8 : 16),
});

const float = new jsyaml.Type("tag:yaml.org,2002:float", {
  kind: "scalar",
  resolve: (text: string | null) =>
    text !== null && (FLOAT.special.test(text) || FLOAT.exponent.test(text) || FLOAT.fraction.test(text)),
  construct: (text: string) => {
    if (!FLOAT.special.test(text)) return Number.parseFloat(text);
    if (text.slice(-3).toLowerCase() === "nan") return Number.NaN;
    return text.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  },
});

/** Strings, sequences and mappings, null, booleans, and the `yaml` package's ints and floats. */
export const CORE_AS_YAML = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [jsyaml.types.null, jsyaml.types.bool, int, float],
});
