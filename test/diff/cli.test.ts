import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Io } from "../../src/cli/command.js";
import { main } from "../../src/cli/main.js";
import globalKv from "../../stacks/global-kv.js";
import { EXISTING_VPC_EU_WEST_1 } from "../pulumi/stack-fixtures.js";

function capture(): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, color: false, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

const dir = mkdtempSync(join(tmpdir(), "topoplan-diff-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const same = join(dir, "same.json");
writeFileSync(same, JSON.stringify(globalKv));
const scaledDown = join(dir, "scaled-down.json");
{
  const spec = structuredClone(globalKv) as unknown as {
    datastores: Record<string, { placement: Record<string, number> }>;
  };
  spec.datastores.accounts!.placement = { "eu-west-1": 1, "eu-central-1": 2, "eu-north-1": 2 };
  writeFileSync(scaledDown, JSON.stringify(spec));
}

describe("topoplan diff", () => {
  it("exit 0 when nothing destructive changes (the .ts stack and its JSON copy)", async () => {
    const io = capture();
    expect(await main(["diff", "stacks/global-kv.ts", same], io)).toBe(0);
    expect(io.out.join("")).toContain("Destructive changes (0)\n  none");
  });

  it("exit 1 on a scale-down, reported first; json and markdown too", async () => {
    const io = capture();
    expect(await main(["diff", "stacks/global-kv.ts", scaledDown], io)).toBe(1);
    const text = io.out.join("");
    expect(text).toContain(
      "  error datastores.accounts.placement.eu-west-1\n    replicas in eu-west-1: 2 → 1; the StatefulSet accounts-eu-west-1b leaves the plan, but it is\n    protected and kept on delete (retainOnDelete)",
    );
    for (const line of text.split("\n")) expect(line.length, line).toBeLessThanOrEqual(100);
    // CockroachDB runs a StatefulSet per zone: eu-west-1b's set (protected) would also be deleted.
    expect(text.replace(/\n {4}(?=\S)/g, " ")).toContain(
      "1 protected resource would be deleted: eu-west-1/global-kv/StatefulSet/accounts-eu-west-1b",
    );
    // CockroachDB's node leaves without a decommission.
    expect(text.replace(/\n {4}(?=\S)/g, " ")).toContain(
      "CockroachDB nodes in eu-west-1: 2 → 1; accounts-eu-west-1b leaves the plan but keeps running once Pulumi forgets it, its node still a member until decommissioned",
    );
    expect(text.indexOf("Destructive changes (3)")).toBeLessThan(text.indexOf("Component changes"));

    const json = capture();
    expect(await main(["diff", "stacks/global-kv.ts", scaledDown, "--format", "json"], json)).toBe(1);
    const parsed = JSON.parse(json.out.join("")) as { destructive: { ruleId: string }[] };
    expect(parsed.destructive.map((d) => d.ruleId)).toEqual([
      "destructive-change",
      "destructive-change",
      "destructive-change",
    ]);

    const md = capture();
    const output = join(dir, "diff.md");
    expect(await main(["diff", "stacks/global-kv.ts", scaledDown, "-f", "markdown", "-o", output], md)).toBe(
      1,
    );
    expect(readFileSync(output, "utf8")).toContain(
      "❌ **3 destructive changes**: data can be lost or a protected resource replaced",
    );
  });

  it("--rules and --policy-config apply to both versions: findings introduced are check's", async () => {
    // The edit under review adds a service the team's own rule bans.
    const withLegacy = join(dir, "with-legacy.json");
    writeFileSync(
      withLegacy,
      JSON.stringify({
        ...globalKv,
        services: { ...globalKv.services, legacy: { regions: ["eu-west-1"], processingMs: 5 } },
      }),
    );
    const rules = join(dir, "team-rules.ts");
    writeFileSync(
      rules,
      `export default { id: "no-legacy", title: "t", severity: "error", docs: { why: "w", how: "h", fix: "f" },
  check(model) {
    return model.services.filter((s) => s.name === "legacy").map((s) => ({ path: s.path, message: "legacy is banned" }));
  } };\n`,
    );
    const introduced = async (...flags: string[]) => {
      const io = capture();
      await main(["diff", same, withLegacy, "--format", "json", ...flags], io);
      const parsed = JSON.parse(io.out.join("")) as {
        findings: { introduced: { ruleId: string; path: string }[] };
      };
      return parsed.findings.introduced.filter((f) => f.ruleId === "no-legacy").map((f) => f.path);
    };
    expect(await introduced("--rules", rules)).toEqual(["services.legacy"]);
    expect(await introduced()).toEqual([]);
    const config = join(dir, "policy.yaml");
    writeFileSync(config, "disabled: [no-legacy]\n");
    expect(await introduced("--rules", rules, "--policy-config", config)).toEqual([]);
  }, 30_000);

  it("exit 2 for a missing spec", async () => {
    const io = capture();
    expect(await main(["diff", "stacks/global-kv.ts", join(dir, "missing.json")], io)).toBe(2);
  });

  // A change of the stack's settings alone: the deploy would replace what they place (issue of a
  // reviewer: existing VPCs for eu-west-1 move the protected MSK cluster to other subnets).
  describe("--base-stack-config and --stack-config", () => {
    const stackDir = (name: string, extra: string) => {
      const at = join(dir, name);
      mkdirSync(at, { recursive: true });
      const text = readFileSync("stacks/Pulumi.hybrid.yaml", "utf8").replace(
        "  topoplan:failOn: error\n",
        `  topoplan:failOn: error\n${extra}`,
      );
      writeFileSync(join(at, "Pulumi.hybrid.yaml"), text);
      return join(at, "Pulumi.hybrid.yaml");
    };
    const base = stackDir("base", "");
    const head = stackDir("head", EXISTING_VPC_EU_WEST_1);
    const diff = (...flags: string[]) => {
      const io = capture();
      return main(["diff", "stacks/hybrid.ts", "stacks/hybrid.ts", ...flags], io).then((code) => ({
        code,
        io,
      }));
    };

    it("a settings change alone shows the replacements it makes: exit 1", async () => {
      const { code, io } = await diff("--base-stack-config", base, "--stack-config", head);
      expect(code).toBe(1);
      expect(io.out.join("")).toContain(
        "1 protected resource would be replaced (brokerNodeGroupInfo.clientSubnets cannot change in\n    place): order-events-msk-cluster-eu-west-1",
      );
      // A security group cannot move to another VPC: the provider replaces it.
      expect(io.out.join("")).toMatch(
        /-\/\+ orders-sg-eu-west-1\n.*\n(.*\n)*? +vpcId: aws-vpc-eu-west-1\.id → vpc-0123456789abcdef0 \(forces replacement\)/,
      );
      // The same stack file on both sides: nothing changes.
      const same = await diff("--base-stack-config", base, "--stack-config", base);
      expect(same.code).toBe(0);
      expect(same.io.out.join("")).toContain("no resource changes");
    }, 60_000);

    it("exit 2 with one of the two, or a file that is not a stack file or has an unknown setting", async () => {
      expect((await diff("--stack-config", head)).code).toBe(2);
      expect((await diff("--base-stack-config", base, "--stack-config", "stacks/hybrid.ts")).code).toBe(2);
      const typo = stackDir("typo", "  topoplan:netwrk: {}\n");
      const { code, io } = await diff("--base-stack-config", base, "--stack-config", typo);
      expect(code).toBe(2);
      expect(io.err.join("")).toContain('unknown field "netwrk": did you mean "network"?');
    });
  });
});
