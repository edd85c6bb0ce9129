import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { renderJson } from "../../src/report/json.js";
import { summarise } from "../../src/report/types.js";

const finding = (code: string, path: string): Diagnostic => ({
  code,
  severity: "error",
  path,
  message: `${code} at ${path}`,
});

describe("the JSON report", () => {
  it("names the rule ruleId in findings and suppressed findings alike (one jq path reads both)", () => {
    const findings = [finding("latency-slo", "datastores.kv.slo.writeP99Ms")];
    const suppressed = [{ ...finding("survival", "datastores.kv"), reason: "one region by contract" }];
    const report = JSON.parse(
      renderJson({
        topology: "t",
        file: "t.yaml",
        findings,
        summary: summarise(findings, suppressed.length),
        suppressed,
      }),
    ) as { findings: Record<string, unknown>[]; suppressed: Record<string, unknown>[] };
    for (const list of [report.findings, report.suppressed]) {
      expect(list[0]).toHaveProperty("ruleId");
      expect(list[0]).toHaveProperty("status", "fail");
      expect(list[0]).not.toHaveProperty("code");
    }
    expect(report.suppressed[0]).toMatchObject({ ruleId: "survival", reason: "one region by contract" });
  });
});
