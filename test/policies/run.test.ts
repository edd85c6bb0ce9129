import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RULES } from "../../policies/registry.js";
import { runPolicies } from "../../policies/run.js";
import type { Rule } from "../../policies/types.js";
import { runCheck } from "../../src/check.js";
import { locatedDiagnostics } from "../../src/cli/input-errors.js";
import { main } from "../../src/cli/main.js";
import { InputError } from "../../src/diagnostics/diagnostic.js";
import { loadTopology, topologyFromData } from "../../src/pipeline.js";
import { loadPolicyConfig } from "../../src/policy-config/load.js";
import { loadRules, userRules } from "../../src/policy-config/rules.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { modelOf, stubAnalysis } from "./harness.js";

/**
 * zod's catchall gives the spec's `policies` input type an index signature of scalars, which rejects
 * `disabled` / `suppress` arrays in a typed literal (reported to the spec owner); tests go through `object`.
 */
type Policies = object;

const spec = (policies: Policies = {}): TopologyInput => ({
  name: "shop",
  datastores: {
    // On Kubernetes with chaos on: out of partition-tests' way (external stores have no experiment).
    kv: {
      replication: "consensus",
      replicas: 3,
      placement: { "eu-west-1": 3 },
      chaos: { enabled: true },
      deploy: { target: "kubernetes", image: "ghcr.io/acme/kv:1.0.0" },
    },
  },
  services: {
    api: {
      regions: ["eu-west-1", "eu-central-1"],
      calls: [{ to: "kv", timeoutMs: 300, perTryTimeoutMs: 100, retries: 2 }],
    },
  },
  policies: policies as TopologyInput["policies"],
});

const codes = (policies?: Policies) => {
  const model = modelOf(spec(policies));
  return runPolicies(model, stubAnalysis(model));
};

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error.diagnostics.map((d) => `${d.path}: ${d.message}`);
    throw error;
  }
  return [];
}

describe("the registry", () => {
  it("holds the 21 stable rule ids, each with docs", () => {
    expect(RULES.map((r) => r.id)).toEqual([
      "residency",
      "bandwidth",
      "latency-slo",
      "availability-slo",
      "survival",
      "consistency-coordination",
      "replication-lag-slo",
      "over-replication",
      "retry-amplification",
      "timeout-budget",
      "call-cycle",
      "single-point-of-failure",
      "exactly-once",
      "retry-jitter",
      "partition-tests",
      "observability-coverage",
      "leader-placement",
      "plaintext-secret",
      "cluster-reach",
      "stream-storage",
      "consumer-coverage",
      "mesh-route",
    ]);
    for (const rule of RULES) expect(Object.values(rule.docs).every((text) => text.length > 20)).toBe(true);
  });
});

describe("runPolicies", () => {
  it("baseline: the findings of this spec", () => {
    expect(codes().findings.map((f) => `${f.code} ${f.path}`)).toEqual([
      "single-point-of-failure datastores.kv.placement",
      "retry-jitter services.api.calls[0]",
    ]);
  });

  it("disables rules, overrides severities and suppresses by rule + path (parents match) with the reason", () => {
    const result = codes({
      disabled: ["single-point-of-failure"],
      severity: { "retry-jitter": "error" },
    });
    expect(result.findings.map((f) => `${f.severity} ${f.code}`)).toEqual(["error retry-jitter"]);
    const suppressed = codes({
      suppress: [
        { rule: "retry-jitter", path: "services.api", reason: "the mesh adds jitter to every retry" },
      ],
    });
    expect(suppressed.findings.map((f) => f.code)).toEqual(["single-point-of-failure"]);
    expect(suppressed.suppressed.map((f) => [f.code, f.path, f.reason])).toEqual([
      ["retry-jitter", "services.api.calls[0]", "the mesh adds jitter to every retry"],
    ]);
  });

  it("a suppression that matches no finding is a warning at the suppression, with the path its rule does find", () => {
    const result = codes({
      suppress: [
        {
          rule: "retry-jitter",
          path: "services.api.calls[1]",
          reason: "the mesh adds jitter to every retry",
        },
        { rule: "latency-slo", path: "services.api", reason: "the SLO is the partner's to meet" },
        // A disabled rule ran nothing to match: its suppression is not reported.
        { rule: "call-cycle", path: "services.api", reason: "the cycle is broken by a queue" },
      ],
      disabled: ["call-cycle"],
    });
    const unused = result.findings.filter((f) => f.code === "policy/unused-suppression");
    expect(unused).toEqual([
      {
        code: "policy/unused-suppression",
        severity: "warning",
        path: "policies.suppress[0]",
        message:
          "the suppression of retry-jitter at services.api.calls[1] matches no finding: retry-jitter finds nothing there; it does at services.api.calls[0]",
        fix: "write path: services.api.calls[0] if that is the finding meant, else remove the suppression",
      },
      {
        code: "policy/unused-suppression",
        severity: "warning",
        path: "policies.suppress[1]",
        message:
          "the suppression of latency-slo at services.api matches no finding: latency-slo finds nothing at services.api or under it",
        fix: "remove the suppression: the finding it silenced is gone, or its path names nothing",
      },
    ]);
    // Never the bare section as the path to write: it would silence the rule everywhere in it.
    const section = codes({
      suppress: [{ rule: "retry-jitter", path: "servicez", reason: "the mesh adds jitter to every retry" }],
    }).findings.find((f) => f.code === "policy/unused-suppression")!;
    expect(section.message).toContain("finds nothing at servicez or under it");
    // The finding the misspelt suppression meant still counts.
    expect(result.findings.map((f) => f.code)).toContain("retry-jitter");
    // A suppression that matches is not reported.
    expect(
      codes({
        suppress: [
          { rule: "retry-jitter", path: "services.api", reason: "the mesh adds jitter to every retry" },
        ],
      }).findings.map((f) => f.code),
    ).toEqual(["single-point-of-failure"]);
  });

  it("a rule that throws becomes an error finding, and the other rules still run", () => {
    const broken: Rule = {
      id: "broken",
      title: "Broken",
      severity: "warning",
      docs: { why: "w", how: "h", fix: "f" },
      check() {
        throw new TypeError("cannot read properties of undefined (reading 'zones')");
      },
    };
    const model = modelOf(spec());
    const result = runPolicies(model, stubAnalysis(model), { extraRules: [broken] });
    expect(result.findings.at(-1)).toEqual({
      code: "broken",
      severity: "error",
      path: "(root)",
      message: "rule crashed: cannot read properties of undefined (reading 'zones')",
      fix: 'report the bug in rule broken; disable it with policies.disabled: ["broken"] meanwhile',
    });
    expect(result.findings).toHaveLength(3);
  });

  it("a rule that returns something other than findings is reported like one that throws, naming the field", () => {
    const returning = (returned: unknown): Rule => ({
      id: "odd",
      title: "Odd",
      severity: "warning",
      docs: { why: "w", how: "h", fix: "f" },
      check: () => returned as never,
    });
    const model = modelOf(spec());
    const reported = (returned: unknown) => {
      const result = runPolicies(model, stubAnalysis(model), { extraRules: [returning(returned)] });
      expect(result.findings).toHaveLength(3);
      const last = result.findings.at(-1)!;
      expect([last.code, last.severity, last.path, last.fix]).toEqual([
        "odd",
        "error",
        "(root)",
        'report the bug in rule odd; disable it with policies.disabled: ["odd"] meanwhile',
      ]);
      return last.message;
    };
    expect(reported([{ path: 5, message: {}, fix: null }])).toBe(
      "rule odd returned a finding whose path is a number (finding [0]); path must be a string",
    );
    expect(reported([{ path: "a", message: "m" }, { message: "no path" }])).toBe(
      "rule odd returned a finding whose path is missing (finding [1]); path must be a string",
    );
    expect(reported([{ path: "a", message: ["m"] }])).toBe(
      "rule odd returned a finding whose message is an array (finding [0]); message must be a string",
    );
    expect(reported([{ path: "a", message: "m", fix: null }])).toBe(
      "rule odd returned a finding whose fix is null (finding [0]); fix must be a string when given",
    );
    expect(reported([{ path: "a", message: "m", data: 3 }])).toBe(
      "rule odd returned a finding whose data is a number (finding [0]); data must be an object when given",
    );
    expect(reported([{ path: "datastores.kv\n| injected | row |", message: "m" }])).toBe(
      "rule odd returned a finding whose path holds U+000A (finding [0]); path must be a spec path, e.g. datastores.accounts.placement",
    );
    expect(reported([{ path: "datastores.\u001b[2Jkv", message: "m" }])).toMatch(/path holds U\+001B/);
    expect(reported(["a"])).toBe(
      "rule odd returned a string as finding [0], not an object with path and message",
    );
    expect(reported(5)).toBe("rule odd returned a number from check, not an array of findings");
    expect(reported(undefined)).toBe("rule odd returned nothing from check, not an array of findings");
  });

  it("rules that need the analysis say so when none ran", () => {
    const model = modelOf(spec());
    const unknown = runPolicies(model, undefined).findings.filter((f) => f.status === "unknown");
    expect(unknown.map((f) => f.code)).toEqual(RULES.filter((r) => r.usesAnalysis).map((r) => r.id));
  });

  it("unknown rule ids and settings are input errors with did-you-mean", () => {
    expect(
      problems(() =>
        codes({
          disabled: ["residencey"],
          severity: { "retry-jiter": "info" },
          suppress: [{ rule: "survivl", path: "datastores.kv", reason: "a reason long enough" }],
          "bandwidth.headrom": 0.5,
          "retry-amplification.threshold": "ten",
        }),
      ),
    ).toEqual([
      'policies.disabled[0]: unknown rule "residencey": did you mean "residency"?',
      'policies.severity.retry-jiter: unknown rule "retry-jiter": did you mean "retry-jitter"?',
      'policies.suppress[0].rule: unknown rule "survivl": did you mean "survival"?',
      'policies["bandwidth.headrom"]: unknown policy setting "bandwidth.headrom": did you mean "bandwidth.headroom"?',
      'policies["retry-amplification.threshold"]: "retry-amplification.threshold" must be a number (got "ten")',
    ]);
  });
});

describe("--policy-config and --rules", () => {
  // Made in beforeAll, not while collecting: a run filtered to other tests (-t) skips this block's
  // afterAll, and a directory made at collection would be left behind.
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "topoplan-policy-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a YAML file merges over the spec's block: thresholds win, disabled and suppressions add up", async () => {
    const file = join(dir, "policy.yaml");
    writeFileSync(file, 'disabled: [retry-jitter]\n"retry-amplification.threshold": 2\n');
    const fileConfig = await loadPolicyConfig(file);
    const model = modelOf(spec({ "retry-amplification.threshold": 50 }));
    const result = runPolicies(model, stubAnalysis(model), { fileConfig });
    expect(result.findings.map((f) => f.code)).toEqual(["retry-amplification", "single-point-of-failure"]);
  });

  it("an unused suppression in the file is placed in the file, after the spec's own", async () => {
    const file = join(dir, "unused.yaml");
    writeFileSync(
      file,
      "suppress:\n  - rule: single-point-of-failure\n    path: datastores.kvv\n    reason: one region by contract\n",
    );
    const fileConfig = await loadPolicyConfig(file);
    const model = modelOf(
      spec({
        suppress: [{ rule: "retry-jitter", path: "services.web", reason: "no such service any more" }],
      }),
    );
    const unused = runPolicies(model, stubAnalysis(model), { fileConfig }).findings.filter(
      (f) => f.code === "policy/unused-suppression",
    );
    expect(unused.map((f) => [f.path, f.location?.line])).toEqual([
      ["policies.suppress[0]", undefined],
      [`${file}:suppress[0]`, 2],
    ]);
    expect(unused[1]!.message).toContain("it does at datastores.kv");
  });

  it("a suppression also written in the file, or twice, or beside its parent path, is not unused", async () => {
    const file = join(dir, "twice.yaml");
    const entry = "  - { rule: retry-jitter, path: services.api, reason: the mesh adds jitter }\n";
    writeFileSync(
      file,
      `suppress:\n${entry}${entry}  - { rule: retry-jitter, path: "services.api.calls[0]", reason: the mesh adds jitter }\n`,
    );
    const fileConfig = await loadPolicyConfig(file);
    const model = modelOf(
      spec({ suppress: [{ rule: "retry-jitter", path: "services.api", reason: "the mesh adds jitter" }] }),
    );
    const result = runPolicies(model, stubAnalysis(model), { fileConfig });
    expect(result.findings.map((f) => f.code)).toEqual(["single-point-of-failure"]);
    expect(result.suppressed.map((f) => f.path)).toEqual(["services.api.calls[0]"]);
  });

  it("an empty file, or one of comments only, is an empty configuration (not 'a topology needs name:')", async () => {
    for (const [name, text] of [
      ["empty.yaml", ""],
      ["comments.yml", "# nothing set yet\n\n"],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const fileConfig = await loadPolicyConfig(file);
      const model = modelOf(spec());
      const plain = runPolicies(model, stubAnalysis(model));
      expect(runPolicies(model, stubAnalysis(model), { fileConfig }).findings).toEqual(plain.findings);
    }
  });

  it("an unknown rule in the file names the file", async () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ disabled: ["call-cycles"] }));
    const fileConfig = await loadPolicyConfig(file);
    const model = modelOf(spec());
    expect(problems(() => runPolicies(model, stubAnalysis(model), { fileConfig }))).toEqual([
      `${file}:disabled[0]: unknown rule "call-cycles": did you mean "call-cycle"?`,
    ]);
  });

  it("a file with shape problems and unknown ids reports them all in one run, a near choice named", async () => {
    // A fresh user's file: two shape problems came first, the unknown rule and setting a run later.
    const file = join(dir, "four.yaml");
    writeFileSync(
      file,
      [
        "disabled: [partition-test]",
        "bandwith.headroom: 0.8",
        "severity:",
        "  survival: warnig",
        "suppress:",
        "  - { rule: latency-slo, path: datastores.a.slo.readP99Ms, reason: short }",
        "",
      ].join("\n"),
    );
    const error = await loadPolicyConfig(file, RULES).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    const found = (error as InputError).diagnostics.map((d) => [d.path, d.message]);
    expect(found).toEqual([
      [
        `${file}:severity.survival`,
        '"warnig" is not one of "error", "warning", "info": did you mean "warning"?',
      ],
      [`${file}:suppress[0].reason`, expect.stringContaining("at least 10 characters")],
      [`${file}:disabled[0]`, 'unknown rule "partition-test": did you mean "partition-tests"?'],
      [`${file}:["bandwith.headroom"]`, expect.stringContaining('did you mean "bandwidth.headroom"?')],
    ]);
  });

  it("an unreadable item keeps the others' indices, and a path the shape refuses may hold a second problem", async () => {
    const file = join(dir, "partial.yaml");
    writeFileSync(
      file,
      'suppress:\n  - "residency"\nseverity:\n  survivl: warnig\ndisabled: [5, "replication-lag-slo", "bogus-rule"]\n',
    );
    const error = (await loadPolicyConfig(file, RULES).catch((e: unknown) => e)) as InputError;
    const found = error.diagnostics.map((d) => `${d.path}: ${d.message}`);
    expect(found).toContainEqual(expect.stringMatching(/:disabled\[2\]: unknown rule "bogus-rule"/));
    expect(found).toContainEqual(
      expect.stringMatching(/:severity\.survivl: unknown rule "survivl": did you mean "survival"\?/),
    );
    expect(found).toContainEqual(expect.stringMatching(/:severity\.survivl: "warnig" is not one of/));
    // A suppression that is not an object is the shape's problem alone (no `unknown rule ""`).
    expect(found.filter((f) => f.includes("suppress[0]"))).toHaveLength(1);
    expect(found.some((f) => f.includes('unknown rule ""'))).toBe(false);
  });

  it("problems in the file carry its line and column, in a bare block and under `policies:`", async () => {
    const model = modelOf(spec());
    const located = async (name: string, text: string) => {
      const file = join(dir, name);
      writeFileSync(file, text);
      const fileConfig = await loadPolicyConfig(file);
      try {
        runPolicies(model, stubAnalysis(model), { fileConfig });
      } catch (error) {
        if (error instanceof InputError) return error.diagnostics.map((d) => [d.path, d.location]);
        throw error;
      }
      return [];
    };
    const yaml = join(dir, "wrapped.yaml");
    expect(
      await located(
        "wrapped.yaml",
        '# team policy\npolicies:\n  disabled:\n    - retry-jiter\n  "bandwidth.headrom": 0.5\n',
      ),
    ).toEqual([
      [`${yaml}:disabled[0]`, { file: yaml, line: 4, column: 7 }],
      [`${yaml}:["bandwidth.headrom"]`, { file: yaml, line: 5, column: 3 }],
    ]);
    const json = join(dir, "located.json");
    expect(
      await located(
        "located.json",
        '{\n  "suppress": [\n    { "rule": "survivl", "path": "x", "reason": "a reason long enough" }\n  ]\n}\n',
      ),
    ).toEqual([[`${json}:suppress[0].rule`, { file: json, line: 3, column: 7 }]]);
  });

  it("a file that is not UTF-8 is refused at its first bad byte", async () => {
    const file = join(dir, "latin1.yaml");
    writeFileSync(
      file,
      Buffer.concat([Buffer.from("disabled: [caf", "utf8"), Buffer.from("\xe9]\n", "latin1")]),
    );
    const error = await loadPolicyConfig(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).diagnostics.map((d) => [d.message, d.location])).toEqual([
      [`${file} is not valid UTF-8`, { file, line: 1, column: 15 }],
    ]);
  });

  it("problems in the spec's own policies block are placed on the spec's lines, by check and solve", async () => {
    const file = join(dir, "spec-policies.yaml");
    writeFileSync(
      file,
      "name: shop\nusers: { eu-west-1: 1 }\ndatastores:\n  kv: { replication: consensus, replicas: 3, placement: auto }\npolicies:\n  disabled: [residencey]\n",
    );
    const error = await loadTopology(file)
      .then((loaded) => runCheck(loaded))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((await locatedDiagnostics(error as InputError)).map((d) => [d.path, d.location?.line])).toEqual([
      ["policies.disabled[0]", 6],
    ]);
    for (const command of ["check", "solve"]) {
      const err: string[] = [];
      const io = { color: false, stdout: () => {}, stderr: (t: string) => err.push(t) };
      expect(await main([command, file], io)).toBe(2);
      expect(err.join("")).toContain(`at: ${relative(process.cwd(), file)}:6:14`);
    }
  });

  it("a file config given without its places (the API) names the file and path", () => {
    const model = modelOf(spec());
    const config = { disabled: ["call-cycles"], severity: {}, suppress: [], thresholds: {} };
    expect(
      problems(() => runPolicies(model, stubAnalysis(model), { fileConfig: { name: "team.yaml", config } })),
    ).toEqual(['team.yaml:disabled[0]: unknown rule "call-cycles": did you mean "call-cycle"?']);
  });

  it("a suppression without a reason is refused", async () => {
    const file = join(dir, "noreason.yaml");
    writeFileSync(file, "suppress:\n  - { rule: residency, path: datastores.kv, reason: ok }\n");
    await expect(loadPolicyConfig(file)).rejects.toThrow("give a reason of at least 10 characters");
  });

  it("a policy config holding a control or bidirectional character is refused, as a spec is", async () => {
    const file = join(dir, "hidden.yaml");
    writeFileSync(
      file,
      'suppress:\n  - rule: latency-slo\n    path: datastores.kv.slo.writeP99Ms\n    reason: "abc\\e[2Jdefghijkl \\u202e evil"\n',
    );
    const error = await loadPolicyConfig(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).diagnostics.map((d) => [d.code, d.path])).toEqual([
      ["policy/control-character", `${file}:suppress[0].reason`],
    ]);
  });

  it("a rules module whose top-level await never settles says so, not process.exit(0)", async () => {
    const file = join(dir, "never-rules.ts");
    writeFileSync(file, "await new Promise(() => {});\nexport default [];\n");
    await expect(loadRules(file, [])).rejects.toThrow(
      "finished without exporting its rules: a top-level await never settled (a promise nothing resolves)",
    );
  });

  it("loads users' rules from TypeScript (the documented example) and gives runPolicies what their checks found", async () => {
    const declared = await loadRules(
      "policies/examples/require-three-zones.ts",
      RULES.map((r) => r.id),
    );
    expect(declared.map((r) => r.id)).toEqual(["require-three-zones"]);
    expect(declared[0]).not.toHaveProperty("check");
    const loaded = topologyFromData({
      file: "shop.yaml",
      format: "yaml",
      text: "",
      data: {
        name: "shop",
        datastores: {
          kv: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } },
          cache: {
            replication: "consensus",
            replicas: 3,
            placement: { "eu-west-1": 3 },
            zones: { "eu-west-1": ["eu-west-1a", "eu-west-1b"] },
          },
        },
      },
    });
    const { model } = loaded;
    const analysis = stubAnalysis(model);
    const rules = await userRules("policies/examples/require-three-zones.ts", loaded, analysis);
    const result = runPolicies(model, analysis, { extraRules: rules });
    expect(
      result.findings.filter((f) => f.code === "require-three-zones").map((f) => `${f.path}: ${f.message}`),
    ).toEqual([
      "datastores.cache.placement: replicas of datastores.cache use 2 zones (eu-west-1a, eu-west-1b); this team requires 3",
    ]);
    await expect(
      loadRules(
        "policies/rules/residency.ts",
        RULES.map((r) => r.id),
      ),
    ).rejects.toThrow('rule id "residency" is already taken');
  });
});
