import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, parseDocument, type Scalar, type YAMLMap } from "yaml";
import { emitYaml, matchesPlain } from "../../src/render/yaml.js";

/** What a YAML 1.1 reader (go-yaml, kubectl) would read a plain scalar as, besides a string. */
const YAML11_NON_STRING =
  /^(y|yes|n|no|true|false|on|off|null|~|[-+]?(\d[\d_]*)?\.?\d[\d_:]*([eE][-+]?\d+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|\.inf|\.nan|=|<<)$/i;

describe("emitYaml", () => {
  it("round-trips any JSON value through a YAML parser", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(parse(emitYaml(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 2000 },
    );
  });

  it("round-trips strings made of YAML's awkward characters", () => {
    const awkward = fc.string({
      unit: fc.constantFrom(
        ..." -?:,[]{}#&*!|>'\"%@`\n\t\r\\~=<.0123456789eExyYnNoO\u2028\u0085\ufeff\u007f",
      ),
      maxLength: 12,
    });
    fc.assert(
      fc.property(fc.dictionary(awkward, fc.oneof(awkward, fc.array(awkward, { maxLength: 3 }))), (value) => {
        expect(parse(emitYaml(value))).toEqual(value);
      }),
      { numRuns: 3000 },
    );
  });

  it("scans names as the plain-scalar pattern reads them", () => {
    const PLAIN = /^[A-Za-z_/$][A-Za-z0-9 _./:@+=,()$*-]*$/;
    const rule = (text: string) =>
      PLAIN.test(text) && !text.includes(": ") && !text.endsWith(" ") && !text.endsWith(":");
    const text = fc.string({
      unit: fc.constantFrom(..."aZ09_/$ .:@+=,()*-#'\"\t\n\u00e9\u2028~"),
      maxLength: 8,
    });
    fc.assert(
      fc.property(text, (t) => {
        expect(matchesPlain(t), JSON.stringify(t)).toBe(rule(t));
      }),
      { numRuns: 5000 },
    );
    for (const t of ["a", "a:", "a: b", "a:b", "a ", "$x", "9a", "é", "", "name-1.svc:8080"])
      expect(matchesPlain(t), t).toBe(rule(t));
  });

  it("picks each one-line string's style by the documented rules", () => {
    // The rules as patterns, independent of the emitter's one-pass scan of each string.
    const PLAIN = /^[A-Za-z_/$][A-Za-z0-9 _./:@+=,()$*-]*$/;
    const QUANTITY = /^(?!0[xXoO])[0-9]+(\.[0-9]+)?[A-DF-Za-df-z][A-Za-z]*$/;
    const RESERVED = /^(y|yes|n|no|true|false|on|off|null|~)$/i;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is tested.
    const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;
    const style = (text: string) => {
      const name = PLAIN.test(text) && !text.includes(": ") && !/[ :]$/.test(text);
      if ((name || QUANTITY.test(text)) && !RESERVED.test(text)) return "plain";
      return UNPRINTABLE.test(text) ? "double" : "single";
    };
    const written = (text: string) => {
      const line = emitYaml({ k: text }).slice("k: ".length);
      return line.startsWith('"') ? "double" : line.startsWith("'") ? "single" : "plain";
    };
    const text = fc.string({
      unit: fc.constantFrom(..."aZ09_/$ .:@+=,()*-#'\"\t\r{}\u0001\u007f\u0085\u00a0\u00e9\u2028\ufeff~"),
      maxLength: 8,
    });
    fc.assert(
      fc.property(text, (t) => {
        expect(written(t), JSON.stringify(t)).toBe(style(t));
      }),
      { numRuns: 5000 },
    );
  });

  it("never writes a string plain that a YAML 1.1 reader would take for a bool, null or number", () => {
    for (const text of [
      "on",
      "Off",
      "yes",
      "N",
      "null",
      "~",
      "1e3",
      "0x1F",
      "0xA",
      "0xff",
      "0o17",
      "1_000",
      "12:30",
      "0755",
      ".5",
      "-1",
      "=",
      "<<",
    ]) {
      const line = emitYaml({ k: text }).trimEnd();
      expect(line, text).not.toBe(`k: ${text}`);
      expect(YAML11_NON_STRING.test(text)).toBe(true);
    }
  });

  it("writes quantities and names plain, sorted, block style; multi-line text as a literal block", () => {
    expect(
      emitYaml({
        z: [{ b: 1, a: "500m" }, []],
        a: { memory: "16Gi", empty: {}, path: "/healthz", flag: true, none: null },
        expr: "sum(rate(x[5m]))\n  / 2\n",
        q: 'x{a="b"}',
      }),
    ).toBe(
      [
        "a:",
        "  empty: {}",
        "  flag: true",
        "  memory: 16Gi",
        "  none: null",
        "  path: /healthz",
        "expr: |",
        "  sum(rate(x[5m]))",
        "    / 2",
        "q: 'x{a=\"b\"}'",
        "z:",
        "  - a: 500m",
        "    b: 1",
        "  - []",
        "",
      ].join("\n"),
    );
  });

  it("sorts keys as sort() does, few or many, and reads only an object's own keys", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.oneof(fc.string(), fc.nat().map(String)), { maxLength: 40 }), (keys) => {
        const value = Object.fromEntries(keys.map((key, i) => [key, i]));
        // The keys in the order written (the parsed document keeps it; a JS object would not).
        const map = parseDocument(emitYaml({ value })).get("value") as YAMLMap<Scalar<string>> | undefined;
        const written = (map?.items ?? []).map((pair) => String(pair.key.value));
        expect(written).toEqual(Object.keys(value).sort());
      }),
      { numRuns: 300 },
    );
    const inherited = Object.create({ a: 1 }) as object;
    expect(emitYaml(inherited)).toBe("{}\n");
    expect(emitYaml({ k: inherited })).toBe("k: {}\n");
  });
});
