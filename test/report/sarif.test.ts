import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { RULES } from "../../policies/registry.js";
import type { Rule } from "../../policies/types.js";
import { runCheck } from "../../src/check.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { loadTopology } from "../../src/pipeline.js";
import { locateReport } from "../../src/report/locate/index.js";
import { GITHUB_SARIF_RESULTS, renderSarif, uriReference } from "../../src/report/sarif.js";
import { type CheckReport, summarise } from "../../src/report/types.js";

const schema = JSON.parse(
  readFileSync(new URL("./schemas/sarif-schema-2.1.0.json", import.meta.url), "utf8"),
);
const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(schema);

interface SarifResult {
  ruleId: string;
  kind: string;
  level: string;
  properties: { path: string };
  suppressions?: { kind: string; state: string; justification: string }[];
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string };
      region: { startLine: number; startColumn: number };
    };
  }[];
}

async function sarifOf(file: string) {
  const loaded = await loadTopology(file);
  const report = await locateReport(runCheck(loaded), loaded.spec);
  const text = renderSarif(report);
  return {
    text,
    log: JSON.parse(text) as {
      runs: {
        results: SarifResult[];
        tool: { driver: { rules: { id: string; helpUri?: string; shortDescription: { text: string } }[] } };
      }[];
    },
  };
}

/** `path → line:column` of every result, suppressed ones marked. */
function positions(results: readonly SarifResult[]): string[] {
  return results.map((r) => {
    const { region, artifactLocation } = r.locations[0]!.physicalLocation;
    return `${r.ruleId} ${r.properties.path} ${artifactLocation.uri}:${region.startLine}:${region.startColumn}${r.suppressions ? " (suppressed)" : ""}`;
  });
}

describe("SARIF 2.1.0", () => {
  it("points at the lines of a TypeScript spec, through spreads and nested arrays", async () => {
    const { text, log } = await sarifOf("test/report/fixtures/violations.ts");
    expect(validate(JSON.parse(text)), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(positions(log.runs[0]!.results)).toEqual([
      "consistency-coordination datastores.events.consistency test/report/fixtures/violations.ts:18:7",
      "residency datastores.ledger.placement test/report/fixtures/violations.ts:13:7",
      "partition-tests datastores.events.chaos.enabled test/report/fixtures/violations.ts:16:5",
      "partition-tests datastores.ledger.chaos.enabled test/report/fixtures/violations.ts:10:5",
      "timeout-budget services.api.calls[0].timeoutMs test/report/fixtures/violations.ts:30:11",
      "retry-jitter services.api.calls[1] test/report/fixtures/violations.ts:35:9 (suppressed)",
    ]);
  });

  it("points at the lines of a YAML spec, flow and block style alike", async () => {
    const { text, log } = await sarifOf("test/report/fixtures/violations.yaml");
    expect(validate(JSON.parse(text)), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(positions(log.runs[0]!.results)).toEqual([
      "consistency-coordination datastores.events.consistency test/report/fixtures/violations.yaml:16:5",
      "residency datastores.ledger.placement test/report/fixtures/violations.yaml:10:5",
      "partition-tests datastores.events.chaos.enabled test/report/fixtures/violations.yaml:14:3",
      "partition-tests datastores.ledger.chaos.enabled test/report/fixtures/violations.yaml:6:3",
      "timeout-budget services.api.calls[0].timeoutMs test/report/fixtures/violations.yaml:23:34",
      "retry-jitter services.api.calls[1] test/report/fixtures/violations.yaml:24:9 (suppressed)",
    ]);
  });

  it("lists every rule with its help link; suppressions carry the reason", async () => {
    const { log } = await sarifOf("test/report/fixtures/violations.yaml");
    const rules = log.runs[0]!.tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    expect(rules.find((r) => r.id === "residency")).toMatchObject({
      helpUri: "https://github.com/topoplan/topoplan/blob/main/RULES.md#residency",
      shortDescription: { text: "Data and the services that touch it stay in allowed jurisdictions" },
    });
    expect(log.runs[0]!.results.at(-1)!.suppressions).toEqual([
      {
        kind: "external",
        state: "accepted",
        justification: "events dedupes retried writes; the herd is bounded by the mesh",
      },
    ]);
  });

  it("the example stacks produce valid SARIF", async () => {
    for (const stack of ["stacks/global-kv.ts", "stacks/edge-cache.yaml"]) {
      const { text } = await sarifOf(stack);
      expect(validate(JSON.parse(text)), `${stack}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it("an invalid log is rejected by the schema (the validator is not vacuous)", () => {
    expect(validate({ version: "2.1.0", runs: [{ tool: { driver: {} } }] })).toBe(false);
    expect(
      validate({
        version: "2.1.0",
        runs: [{ tool: { driver: { name: "x" } }, results: [{ level: "fatal", message: { text: "m" } }] }],
      }),
    ).toBe(false);
  });
});

describe("SARIF within GitHub code scanning's limits", () => {
  /** A report of `n` findings cycling through every kind, with a readable path per finding. */
  function report(n: number): CheckReport {
    const kinds: Pick<Diagnostic, "severity" | "status">[] = [
      { severity: "warning" },
      { severity: "info" },
      { severity: "error", status: "unknown" },
      { severity: "error" },
    ];
    const findings: Diagnostic[] = Array.from({ length: n }, (_, i) => ({
      code: "retry-jitter",
      message: `finding ${i}`,
      path: `services.s${i}`,
      ...kinds[i % kinds.length]!,
    }));
    const suppressed = [
      { code: "retry-jitter", severity: "error" as const, message: "s", path: "services.x", reason: "ok" },
    ];
    return { topology: "t", file: "t.yaml", findings, summary: summarise(findings, 1), suppressed };
  }
  const parse = (text: string) =>
    JSON.parse(text) as {
      runs: {
        results: { level: string; kind: string; properties: { path: string }; suppressions?: unknown[] }[];
        invocations?: { toolExecutionNotifications: { message: { text: string } }[] }[];
        properties: { resultsLeftOut?: number };
      }[];
    };

  it("keeps the most important findings in report order and says how many it left out", () => {
    const text = renderSarif(report(12), { maxResults: 7 });
    expect(validate(JSON.parse(text)), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const [run] = parse(text).runs;
    // 3 errors, 3 warnings, then the first note; the undecided and the suppressed are cut first.
    expect(run!.results.map((r) => r.properties.path)).toEqual([
      "services.s0",
      "services.s1",
      "services.s3",
      "services.s4",
      "services.s7",
      "services.s8",
      "services.s11",
    ]);
    expect(run!.properties.resultsLeftOut).toBe(6);
    expect(run!.invocations![0]!.toolExecutionNotifications[0]!.message.text).toMatch(
      /^6 of 13 findings left out to keep 7 results/,
    );
  });

  it("leaves a report under the cap as it was: every finding, no notification", () => {
    const [run] = parse(renderSarif(report(12), { maxResults: 13 })).runs;
    expect(run!.results).toHaveLength(13);
    expect(run!.results.at(-1)!.suppressions).toHaveLength(1);
    expect(run!.invocations).toBeUndefined();
    expect(run!.properties.resultsLeftOut).toBeUndefined();
    // The default is what GitHub stores per run.
    expect(parse(renderSarif(report(GITHUB_SARIF_RESULTS + 1))).runs[0]!.results).toHaveLength(
      GITHUB_SARIF_RESULTS,
    );
  });
});

describe("SARIF artifact URIs", () => {
  const urisOf = (file: string, located?: string): string[] => {
    const findings: Diagnostic[] = [
      {
        code: "retry-jitter",
        severity: "warning",
        path: "services.a",
        message: "m",
        ...(located === undefined ? {} : { location: { file: located, line: 2, column: 3 } }),
      },
    ];
    const text = renderSarif({ topology: "t", file, findings, summary: summarise(findings) });
    expect(validate(JSON.parse(text)), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const run = (
      JSON.parse(text) as {
        runs: {
          artifacts: { location: { uri: string } }[];
          results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
        }[];
      }
    ).runs[0]!;
    return [
      run.artifacts[0]!.location.uri,
      ...run.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri),
    ];
  };

  it("are relative URI references: each segment percent-encoded as UTF-8, `/` kept", () => {
    // `#` would start a fragment, `?` a query, and `c:` a scheme; `<` and `|` are not URI characters.
    expect(urisOf("my stacks/c#1 ?100%|<b>.yaml")).toEqual([
      "my%20stacks/c%231%20%3F100%25%7C%3Cb%3E.yaml",
      "my%20stacks/c%231%20%3F100%25%7C%3Cb%3E.yaml",
    ]);
    expect(urisOf("stacks/x.yaml", "c:/régions\nx.ts")).toEqual([
      "stacks/x.yaml",
      "c%3A/r%C3%A9gions%0Ax.ts",
    ]);
    expect(uriReference("stacks\\win.yaml")).toBe("stacks/win.yaml");
  });

  it("leave ordinary paths as they were", () => {
    expect(urisOf("../stacks/control-plane_v1.2~(eu)+@x.yaml")).toEqual([
      "../stacks/control-plane_v1.2~(eu)+@x.yaml",
      "../stacks/control-plane_v1.2~(eu)+@x.yaml",
    ]);
  });
});

describe("rule descriptors of topoplan's own diagnostics", () => {
  it("say what a command-line or spec problem is, and call only --rules findings user-defined", () => {
    const findings: Diagnostic[] = [
      { code: "cli/usage", severity: "error", path: "topoplan diff", message: "m", fix: "f" },
      { code: "spec/missing", severity: "error", path: "name", message: "m", fix: "f" },
      { code: "team-owner", severity: "warning", path: "services.api", message: "m" },
    ];
    const log = JSON.parse(
      renderSarif({ topology: "t", file: "t.yaml", findings, summary: summarise(findings) }),
    ) as { runs: { tool: { driver: { rules: { id: string; fullDescription: { text: string } }[] } } }[] };
    const descriptions = Object.fromEntries(
      log.runs[0]!.tool.driver.rules.map((r) => [r.id, r.fullDescription.text]),
    );
    expect(descriptions).toMatchObject({
      "cli/usage": "A problem with the command line, a path it names or the machine.",
      "spec/missing": "A problem in the topology spec found during validation.",
      "team-owner": "A user-defined rule (a --rules module).",
    });
  });
});

/** The rule descriptors of a SARIF log with `userRules`, where one finding of team-owner fired. */
function userRuleDescriptors(userRules: readonly Rule[]) {
  const findings: Diagnostic[] = [
    { code: "team-owner", severity: "warning", path: "services.api", message: "m" },
  ];
  const log = JSON.parse(
    renderSarif({ topology: "t", file: "t.yaml", findings, summary: summarise(findings) }, { userRules }),
  ) as {
    runs: {
      tool: {
        driver: {
          rules: {
            id: string;
            helpUri?: string;
            shortDescription: { text: string };
            fullDescription: { text: string };
            help: { text: string; markdown: string };
          }[];
        };
      };
    }[];
  };
  return log.runs[0]!.tool.driver.rules;
}

describe("a user's rule (--rules) in SARIF", () => {
  it("is described from its own title and docs, listed whether it fired or not, its text made visible", () => {
    const theirs: Rule = {
      id: "team-owner",
      title: "Every service names its owning team",
      severity: "warning",
      docs: {
        why: "Pages go to the owner.\u202e",
        how: "Reads metadata.owner.",
        fix: "Add an owner <img src=x onerror=alert(1)> [here](https://evil.example)",
      },
      check: () => [],
    };
    const other: Rule = { ...theirs, id: "team-cost-centre", title: "A cost centre" };
    const rules = userRuleDescriptors([theirs, other]);
    const mine = rules.find((r) => r.id === "team-owner")!;
    expect(mine.shortDescription.text).toBe("Every service names its owning team");
    // Was "A user-defined rule (a --rules module)." and "See the finding's message and fix."
    expect(mine.fullDescription.text).toBe("Pages go to the owner.\\u202e");
    expect(mine.help.markdown).toContain("**Fix:** Add an owner ");
    // Their text is text in the Markdown: no tag or link of theirs renders.
    expect(mine.help.markdown).toContain("\\<img");
    expect(mine.help.markdown).not.toMatch(/(?<!\\)<img|(?<!\\)\]\(/);
    // RULES.md documents topoplan's own rules only.
    expect(mine.helpUri).toBeUndefined();
    expect(rules.map((r) => r.id)).toEqual([...RULES.map((r) => r.id), "team-owner", "team-cost-centre"]);
  });
});

describe("a user's rule without docs (a JavaScript module is not type-checked)", () => {
  it("gets the generic description, not a crash", () => {
    const bare = { id: "team-owner", severity: "warning", check: () => [] } as unknown as Rule;
    const partial = {
      ...bare,
      id: "team-tier",
      title: "Tiers",
      docs: { why: "Because." },
    } as unknown as Rule;
    const rules = userRuleDescriptors([bare, partial]);
    for (const id of ["team-owner", "team-tier"])
      expect(rules.find((r) => r.id === id)?.fullDescription.text, id).toBe(
        "A user-defined rule (a --rules module).",
      );
  });
});

describe("SARIF partialFingerprints", () => {
  /** Each finding's fingerprint in a SARIF log of `findings`. */
  const fingerprintsOf = (findings: Diagnostic[]): string[] => {
    const log = JSON.parse(
      renderSarif({ topology: "t", file: "t.yaml", findings, summary: summarise(findings) }),
    ) as { runs: { results: { partialFingerprints: Record<string, string> }[] }[] };
    return log.runs[0]!.results.map((r) => Object.values(r.partialFingerprints)[0]!);
  };
  const slo = (message: string): Diagnostic => ({
    code: "latency-slo",
    severity: "error",
    path: "datastores.edge-kv.slo.writeP99Ms",
    message,
  });

  it("stay when an edit moves the figures in a message (GitHub keeps the alert and its dismissal)", () => {
    // An itemBytes edit on the edge-cache stack moved this prediction from 12.17 to 12.16 ms.
    const [before] = fingerprintsOf([slo("write p99 12.17 ms from tokyo-dc1 exceeds the SLO 5 ms")]);
    const [after] = fingerprintsOf([slo("write p99 12.16 ms from tokyo-dc1 exceeds the SLO 4 ms")]);
    expect(after).toBe(before);
    const cost = (usd: string): Diagnostic => ({
      code: "over-replication",
      severity: "warning",
      path: "datastores.origin-db.replicas",
      message: `3 replicas where 2 suffice; the 1 extra cost about $${usd}/month`,
    });
    expect(fingerprintsOf([cost("833")])).toEqual(fingerprintsOf([cost("1,204.50")]));
  });

  it("differ when the words differ, names with digits included", () => {
    const [a, b] = fingerprintsOf([
      slo("write p99 12.17 ms from eu-west-1 exceeds the SLO 5 ms"),
      slo("write p99 12.17 ms from eu-west-2 exceeds the SLO 5 ms"),
    ]);
    expect(a).not.toBe(b);
  });

  it("are unique within a run: findings of one rule, path and wording are numbered", () => {
    const prints = fingerprintsOf([slo("over by 1 ms"), slo("over by 2 ms"), slo("over by 3 ms")]);
    expect(new Set(prints).size).toBe(3);
    expect(prints[1]).toBe(`${prints[0]}:2`);
  });
});
