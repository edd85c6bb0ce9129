import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDocument, stringify } from "yaml";
import { generateTopology } from "../../bench/generate.js";
import { InputError } from "../../src/diagnostics/diagnostic.js";
import { parseYaml } from "../../src/spec/load/yaml.js";
import { nestedValues } from "../properties/nested-values.js";

/** What the full parser (the `yaml` package, as the loader configures it) makes of a document. */
function full(text: string): unknown {
  const document = parseDocument(text, { uniqueKeys: true, strict: true, schema: "core", merge: true });
  if (document.errors.length > 0) throw document.errors[0];
  return document.toJS({ maxAliasCount: 100 });
}

/** -0 and 0 are one number to a spec (JSON writes both as 0); the two parsers disagree on it. */
function zeroed(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(zeroed);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      Object.defineProperty(out, k, { value: zeroed(v), enumerable: true });
    return out;
  }
  return value;
}

/** Scalars YAML's core schema reads in more than one way, written plainly by hand below. */
const PLAIN_SCALARS = [
  "true",
  "True",
  "FALSE",
  "null",
  "Null",
  "~",
  "",
  "0",
  "-0",
  "012",
  "0o14",
  "0x1F",
  "1e3",
  "-.5",
  ".inf",
  "-.Inf",
  ".NaN",
  "1_000",
  "yes",
  "no",
  "on",
  "off",
  "2024-01-02",
  "0.1",
  "+12",
  "1:20",
  "@weekly",
  "0 0 * * 0",
  "0b101",
  "+0x1",
  "-0o7",
  "+.5",
  "1.",
  "-",
  "'quoted'",
  '"dq\\n"',
  "a: b",
  "- x",
];

describe("YAML fast path", () => {
  it("reads any document the yaml package writes as the full parser does", () => {
    const json = nestedValues(
      fc.oneof(fc.string({ maxLength: 6 }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null)),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), json, { minKeys: 1 }), (value) => {
        const text = stringify(value);
        let expected: unknown;
        try {
          expected = full(text);
        } catch {
          // e.g. a key "<<" whose value is not a mapping: a merge key the loader refuses too.
          expect(() => parseYaml(text, "t.yaml")).toThrow(InputError);
          return;
        }
        expect(zeroed(parseYaml(text, "t.yaml"))).toStrictEqual(zeroed(expected));
      }),
      { numRuns: 1000 },
    );
  });

  it("reads hand-written plain scalars as the full parser does", () => {
    for (const scalar of PLAIN_SCALARS) {
      const text = `value: ${scalar}\nlist: [${scalar.includes(",") ? "x" : scalar}]\n`;
      let expected: unknown;
      try {
        expected = full(text);
      } catch {
        continue; // invalid for the full parser: the loader reports it through that parser
      }
      expect(zeroed(parseYaml(text, "t.yaml")), scalar).toStrictEqual(zeroed(expected));
    }
  });

  it("reads the example stack and generated topologies as the full parser does", () => {
    const stack = readFileSync("stacks/edge-cache.yaml", "utf8");
    expect(parseYaml(stack, "edge-cache.yaml")).toStrictEqual(full(stack));
    const big = stringify(generateTopology({ seed: 3, services: 60, partitions: 200, regions: 8 }));
    expect(parseYaml(big, "big.yaml")).toStrictEqual(full(big));
  });

  it("keeps a __proto__ key as data, never as the prototype", () => {
    const parsed = parseYaml('name: x\n"__proto__": { polluted: true }\n', "p.yaml") as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(parsed, "__proto__")).toBe(true);
  });

  it("leaves duplicate keys, anchors and bad syntax to the full parser's diagnostics", () => {
    expect(() => parseYaml("a: 1\na: 2\n", "d.yaml")).toThrow(/duplicate key "a"/);
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 12 }, (_, i) => `k${i}: &k${i} [*${i === 0 ? "a" : `k${i - 1}`}, *${i === 0 ? "a" : `k${i - 1}`}]`).join("\n")}\n`;
    expect(() => parseYaml(bomb, "b.yaml")).toThrow();
    try {
      parseYaml("a: [1, 2\nb: 3\n", "s.yaml");
      expect.unreachable();
    } catch (error) {
      const diagnostics = (error as { diagnostics: { location?: { line: number } }[] }).diagnostics;
      expect(diagnostics[0]?.location?.line).toBeGreaterThan(0);
    }
  });
});

describe("keys as the spec reads them", () => {
  const problems = (text: string) => {
    try {
      parseYaml(text, "t.yaml");
      return [];
    } catch (error) {
      return (error as InputError).diagnostics.map((d) => [d.code, d.message, d.location?.line]);
    }
  };

  it('`true:` and `"true":` (or 1 and "1") are one key twice, not two datastores of which one vanishes', () => {
    expect(problems('datastores:\n  true: { replicas: 3 }\n  "true": { replicas: 5 }\n')).toEqual([
      [
        "spec/yaml-duplicate-key",
        'duplicate key "true": a key may appear once per mapping (YAML would silently keep only one)',
        3,
      ],
    ]);
    expect(problems('a:\n  1: x\n  "1": y\n').map(([code]) => code)).toEqual(["spec/yaml-duplicate-key"]);
  });

  it("a flow list as a key with no space before its value is refused too; an alias of a name is a name", () => {
    expect(problems("users: {[eu-west-1]:1}\n").map(([code]) => code)).toEqual(["spec/yaml"]);
    expect(problems("x-k: &k eu-west-1\nusers:\n  *k : 1\n")).toEqual([]);
  });

  it("a list or mapping as a key is refused at its line (JavaScript would make it text)", () => {
    expect(problems("services:\n  ? [a, b]\n  : { regions: [eu-west-1] }\n")).toEqual([
      [
        "spec/yaml",
        "invalid YAML: a mapping key is a list or a mapping (`? [...]`); keys of a spec are names",
        2,
      ],
    ]);
  });
});
