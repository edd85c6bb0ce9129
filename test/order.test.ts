import { describe, expect, it } from "vitest";
import { createRandom } from "../bench/prng.js";
import { compareDiagnostics, type Diagnostic, sortDiagnostics } from "../src/diagnostics/diagnostic.js";
import { byReadingOrder, byText } from "../src/order.js";

describe("orders of text", () => {
  it("byText is code-unit order, whatever the locale", () => {
    expect(["b", "aa", "Z", "ch", "cloud", "a-b", "a.b"].sort(byText)).toEqual([
      "Z",
      "a-b",
      "a.b",
      "aa",
      "b",
      "ch",
      "cloud",
    ]);
  });

  it("byReadingOrder compares digit runs as numbers", () => {
    const paths = [
      "services.api.calls[10].timeoutMs",
      "services.api.calls[2].timeoutMs",
      "services.api.calls[1]",
      "services.svc-10",
      "services.svc-9",
      "services.svc-09",
      "services.api.calls[2]",
      "datastores.db-100.slo",
    ];
    expect([...paths].sort(byReadingOrder)).toEqual([
      "datastores.db-100.slo",
      "services.api.calls[1]",
      "services.api.calls[2]",
      "services.api.calls[2].timeoutMs",
      "services.api.calls[10].timeoutMs",
      "services.svc-09",
      "services.svc-9",
      "services.svc-10",
    ]);
  });

  it("findings are listed in reading order of their paths", () => {
    const finding = (path: string): Diagnostic => ({
      code: "timeout-budget",
      severity: "warning",
      path,
      message: "m",
    });
    const sorted = ["services.api.calls[10]", "services.api.calls[9]", "services.api.calls[1]"]
      .map(finding)
      .sort(compareDiagnostics);
    expect(sorted.map((d) => d.path)).toEqual([
      "services.api.calls[1]",
      "services.api.calls[9]",
      "services.api.calls[10]",
    ]);
  });

  it("sortDiagnostics gives compareDiagnostics' order", () => {
    const random = createRandom(11);
    const paths = [
      "services.a.calls[1]",
      "services.a.calls[10]",
      "services.a-2",
      "services.a-10",
      "datastores.x",
    ];
    const severities = ["error", "warning", "info"] as const;
    const list: Diagnostic[] = Array.from({ length: 200 }, (_, i) => ({
      code: `rule-${random.int(0, 3)}`,
      severity: severities[random.int(0, 2)]!,
      path: paths[random.int(0, paths.length - 1)]!,
      message: `m${i % 7}`,
    }));
    expect(sortDiagnostics(list)).toEqual([...list].sort(compareDiagnostics));
  });

  it("byReadingOrder is a total order: antisymmetric, transitive, zero only for equal text", () => {
    const random = createRandom(7);
    const alphabet = ["0", "1", "2", "9", "a", "b", "-", ".", "[", "]"];
    const text = () =>
      Array.from({ length: random.int(0, 8) }, () => alphabet[random.int(0, alphabet.length - 1)]).join("");
    const sample = Array.from({ length: 300 }, text);
    for (const a of sample.slice(0, 60))
      for (const b of sample) {
        const ab = Math.sign(byReadingOrder(a, b));
        expect(ab, `${a} vs ${b}`).toBe(0 - Math.sign(byReadingOrder(b, a)));
        if (ab === 0) expect(a).toBe(b);
      }
    const sorted = [...sample].sort(byReadingOrder);
    // Every pair in sorted order, not only neighbours: transitivity shows as no pair out of order.
    for (let i = 0; i < sorted.length; i++)
      for (let j = i + 1; j < sorted.length; j++)
        expect(byReadingOrder(sorted[i]!, sorted[j]!), `${sorted[i]} ≤ ${sorted[j]}`).toBeLessThanOrEqual(0);
  });
});
