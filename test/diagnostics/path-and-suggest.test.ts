import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareDiagnostics,
  type Diagnostic,
  formatPath,
  hasErrors,
  parsePath,
} from "../../src/diagnostics/diagnostic.js";
import { formatDiagnostic } from "../../src/diagnostics/format-text.js";
import { closest, editDistance, suggestion } from "../../src/diagnostics/suggest.js";

describe("formatPath / parsePath", () => {
  it.each([
    [[], "(root)"],
    [["datastores", "accounts", "placement"], "datastores.accounts.placement"],
    [["services", "api", "calls", 0, "to"], "services.api.calls[0].to"],
    [["datastores", "accounts", "placement", "eu-west-1"], "datastores.accounts.placement.eu-west-1"],
    [["policies", "bandwidth.headroom"], 'policies["bandwidth.headroom"]'],
    [["users", "9lives"], 'users["9lives"]'],
    [["a", ""], 'a[""]'],
    [["a", 'say "hi"]'], 'a["say \\"hi\\"]"]'],
    [[3, "x"], "[3].x"],
  ] as const)("%j ⇄ %s", (segments, text) => {
    expect(formatPath(segments)).toBe(text);
    expect(parsePath(text)).toEqual(segments);
  });

  it("round-trips any path of keys and indices", () => {
    const segment = fc.oneof(
      fc.string(),
      fc.nat(),
      fc.constantFrom("eu-west-1", "calls", "_x", "a.b", "[0]"),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
        expect(parsePath(formatPath(segments))).toEqual(segments);
      }),
      { numRuns: 2000 },
    );
  });

  it("formatting is injective: different paths never print the same", () => {
    const segment = fc.oneof(fc.string({ maxLength: 4 }), fc.nat({ max: 20 }));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 4 }), fc.array(segment, { maxLength: 4 }), (a, b) => {
        if (JSON.stringify(a) !== JSON.stringify(b)) expect(formatPath(a)).not.toBe(formatPath(b));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("suggestions", () => {
  it("edit distance is Levenshtein", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("eu-wset-1", "eu-west-1")).toBe(2);
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(d).toBe(editDistance(b, a));
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(d === 0).toBe(a === b);
      }),
    );
  });

  it("closest: within a third of the word (at least 2 edits), ties to the alphabetically first", () => {
    expect(closest("eu-wset-1", ["us-east-1", "eu-west-1", "eu-west-2"])).toBe("eu-west-1");
    expect(closest("consistensy", ["consistency", "replicas"])).toBe("consistency");
    expect(closest("REPLICAS", ["replicas"])).toBe("replicas");
    expect(closest("ab", ["xy"])).toBe("xy");
    expect(closest("abc", ["xyz"])).toBeUndefined();
    expect(closest("zzz", [])).toBeUndefined();
    expect(closest("eu-west-3x", ["eu-west-1", "eu-west-3"])).toBe("eu-west-3");
  });

  it("suggestion: did you mean, or the known values when nothing is close", () => {
    expect(suggestion("chek", ["check", "schema"], "commands")).toBe('did you mean "check"?');
    expect(suggestion("frobnicate", ["check", "schema"], "commands")).toBe(
      'known commands: "check", "schema"',
    );
    // Ten or fewer are listed whole: an unknown command names all nine commands.
    const nine = Array.from({ length: 9 }, (_, i) => `c${i}`);
    expect(suggestion("zzzzzzzzzzzz", nine, "commands")).toBe(
      `known commands: ${nine.map((c) => `"${c}"`).join(", ")}`,
    );
    const many = Array.from({ length: 12 }, (_, i) => `region-${i}`);
    expect(suggestion("zzzzzzzzzzzz", many, "regions")).toBe(
      'known regions: "region-0", "region-1", "region-2", "region-3", "region-4", "region-5", "region-6", "region-7", … (12 in all)',
    );
  });
});

describe("diagnostic ordering and text", () => {
  const d = (over: Partial<Diagnostic>): Diagnostic => ({
    code: "spec/x",
    severity: "error",
    path: "a",
    message: "m",
    ...over,
  });

  it("errors before warnings before infos, then by path and code", () => {
    const sorted = [
      d({ severity: "info", path: "a" }),
      d({ severity: "warning", path: "a" }),
      d({ path: "b" }),
      d({ path: "a", code: "spec/z" }),
      d({ path: "a", code: "spec/a" }),
    ].sort(compareDiagnostics);
    expect(sorted.map((x) => `${x.severity} ${x.path} ${x.code}`)).toEqual([
      "error a spec/a",
      "error a spec/z",
      "error b spec/x",
      "warning a spec/x",
      "info a spec/x",
    ]);
  });

  it("hasErrors ignores warnings and undecided (unknown) errors", () => {
    expect(hasErrors([d({ severity: "warning" }), d({ status: "unknown" })])).toBe(false);
    expect(hasErrors([d({})])).toBe(true);
  });

  it("one diagnostic prints as `severity path (file:line:col)  message  [code]` and a fix line", () => {
    expect(
      formatDiagnostic(
        d({
          path: "datastores.kv.replicas",
          message: "expected a number",
          fix: "make it a number",
          location: { file: "spec.yaml", line: 4, column: 5 },
        }),
        { color: false },
      ),
    ).toBe(
      "error   datastores.kv.replicas  expected a number  [spec/x]\n        at: spec.yaml:4:5\n        fix: make it a number",
    );
    expect(formatDiagnostic(d({ status: "unknown", severity: "warning" }), { color: false })).toBe(
      "unknown a  m  [spec/x]",
    );
    expect(formatDiagnostic(d({}), { color: true })).toContain("\u001b[31m");
  });
});
