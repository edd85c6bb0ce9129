import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT, STACK_FRAME, topoplan } from "./cli.js";

const SHOP = join(ROOT, "test/solve/fixtures/shop.yaml");
const scratch = mkdtempSync(join(tmpdir(), "topoplan-solve-e2e-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("topoplan solve", () => {
  it("prints the greedy placement beside the chosen one, next best and what binds", async () => {
    const { code, stdout, stderr } = await topoplan(["solve", SHOP]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /greedy \(auto\) +eu-west-1: 2, eu-west-3: 2, eu-central-1: 1 \(leader eu-west-1\)/,
    );
    expect(stdout).toMatch(/current: read p99 40\.7 ms from eu-central-1 exceeds the 30 ms target/);
    expect(stdout).toMatch(
      // Equal by cost and latency to placements spread further (eu-north-1, eu-south-1): the one
      // nearest the demand, here the greedy pick's own regions with the leader moved.
      /chosen +eu-west-1: 2, eu-west-3: 2, eu-central-1: 1 \(leader eu-west-3\)/,
    );
    expect(stdout).toMatch(/next best:/);
    expect(stdout).toMatch(/readP99Ms 30 binds: without it/);
    expect(stdout).toMatch(/^ {2}exact: 6 candidate regions/m);
  });

  it('placement "auto" uses the solver: check passes where the greedy pick fails, plan shows the choice', async () => {
    const check = await topoplan(["check", SHOP]);
    expect(check.code).toBe(0);
    const plan = await topoplan(["plan", SHOP]);
    // Text wraps at 100 columns: read it as one line per field.
    expect(plan.stdout.replace(/\n {18}/g, " ")).toMatch(
      /placement +eu-central-1 ×1, eu-west-1 ×2, eu-west-3 ×2 \(placement "auto": chosen by topoplan solve\)/,
    );
  });

  it("json and markdown carry the same answer", async () => {
    const json = await topoplan(["solve", SHOP, "--format", "json", "--top", "1"]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    const solution = report.datastores[0];
    expect(solution.chosen.placement).toEqual({ "eu-central-1": 1, "eu-west-1": 2, "eu-west-3": 2 });
    expect(solution.chosen.readP99Ms).toBeLessThanOrEqual(30);
    expect(solution.alternatives).toHaveLength(1);
    const md = await topoplan(["solve", SHOP, "--format", "markdown"]);
    expect(md.stdout).toContain(
      "| chosen | eu-west-1: 2, eu-west-3: 2, eu-central-1: 1 (leader eu-west-3) |",
    );
  });

  it("--write edits the YAML in place, keeping its comments, and check then passes on it", async () => {
    const file = join(scratch, "shop.yaml");
    copyFileSync(SHOP, file);
    const { code, stderr } = await topoplan(["solve", file, "--write"]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/wrote the chosen placement of orders into/);
    const text = readFileSync(file, "utf8");
    expect(text).toContain("# Orders in the EU; the API runs in Dublin and Frankfurt");
    expect(text).toContain("# yaml-language-server: $schema=");
    const data = parse(text);
    expect(data.datastores.orders.placement).toEqual({ "eu-central-1": 1, "eu-west-1": 2, "eu-west-3": 2 });
    expect(data.datastores.orders.leader).toBe("eu-west-3");
    // Everything else as it was.
    expect(data.datastores.orders.slo).toEqual(parse(readFileSync(SHOP, "utf8")).datastores.orders.slo);
    const check = await topoplan(["check", file]);
    expect(check.code).toBe(0);
  });

  it('--write of a "placement: auto" store warns of nothing: auto already deploys the choice', async () => {
    // Warned that deploying it would delete the greedy start's StatefulSets, which auto never deploys.
    const file = join(scratch, "auto.yaml");
    writeFileSync(
      file,
      [
        "name: mini",
        "users: { eu-west-1: 1 }",
        "datastores:",
        "  kv:",
        "    replication: consensus",
        "    consistency: strong",
        "    replicas: 3",
        "    placement: auto",
        "    survive: region",
        "    traffic: { readsPerSec: 100, writesPerSec: 10 }",
        '    deploy: { target: kubernetes, image: "cockroachdb/cockroach:v24.1.4" }',
        "",
      ].join("\n"),
    );
    const before = readFileSync(file, "utf8");
    const { code, stderr } = await topoplan(["solve", file, "--datastore", "kv", "--write"]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/wrote the chosen placement of kv into/);
    expect(stderr).not.toContain("destructive");
    writeFileSync(join(scratch, "auto-before.yaml"), before);
    const diff = await topoplan(["diff", join(scratch, "auto-before.yaml"), file]);
    expect(diff.code).toBe(0);
  });

  it("--write warns when deploying the edit is destructive, as diff would say", async () => {
    // The cheapest placement of edge-cache's origin-db leaves the on-premises site: its primary
    // moves and the site's replicas (and their volumes) go.
    const file = join(scratch, "edge-cache.yaml");
    copyFileSync(join(ROOT, "stacks/edge-cache.yaml"), file);
    const { code, stderr } = await topoplan(["solve", file, "--datastore", "origin-db", "--write"]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/wrote the chosen placement of origin-db into/);
    expect(stderr).toMatch(
      /warning: deploying this edit is destructive \(\d+, as `topoplan diff` reports them/,
    );
    expect(stderr).toContain("datastores.origin-db.leader: primary tokyo-dc1 →");
    const diff = await topoplan(["diff", join(ROOT, "stacks/edge-cache.yaml"), file]);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain("primary tokyo-dc1 →");
  });

  it("a TypeScript spec is not rewritten: the object to paste is printed", async () => {
    const before = readFileSync(join(ROOT, "stacks/global-kv.ts"), "utf8");
    const { code, stdout, stderr } = await topoplan([
      "solve",
      "stacks/global-kv.ts",
      "--datastore",
      "sessions",
      "--write",
      "--top",
      "0",
    ]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/is TypeScript: paste these into the datastores \(nothing written\)/);
    expect(stdout).toMatch(/\/\/ datastores\.sessions\n {4}placement: \{ "eu-[a-z]+-\d": \d/);
    expect(readFileSync(join(ROOT, "stacks/global-kv.ts"), "utf8")).toBe(before);
  });

  it("infeasible: exit 1 with the floor and the smallest relaxation", async () => {
    const file = join(scratch, "tight.yaml");
    writeFileSync(file, readFileSync(SHOP, "utf8").replace("writeP99Ms: 60", "writeP99Ms: 8"));
    const { code, stdout } = await topoplan(["solve", file]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/infeasible: /);
    expect(stdout).toMatch(/relax datastores\.orders\.slo\.writeP99Ms: writeP99Ms 8 → [\d.]+: /);
  });

  it("--replicas auto --roles all: fewer replicas and a witness; --write writes both, and check passes", async () => {
    const file = join(scratch, "shop-roles.yaml");
    copyFileSync(SHOP, file);
    const { code, stdout } = await topoplan([
      "solve",
      file,
      "--replicas",
      "auto",
      "--roles",
      "all",
      "--write",
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/chosen +.*1 witness.*\(leader /);
    expect(stdout).toMatch(/^ {2}exact: /m);
    const data = parse(readFileSync(file, "utf8"));
    const placement = data.datastores.orders.placement as Record<string, number | Record<string, number>>;
    expect(Object.values(placement).some((e) => typeof e === "object" && e.witnesses === 1)).toBe(true);
    const total = Object.values(placement).reduce<number>(
      (sum, e) => sum + (typeof e === "number" ? e : Object.values(e).reduce((a, b) => a + b, 0)),
      0,
    );
    expect(data.datastores.orders.replicas).toBe(total);
    expect(total).toBeLessThan(5);
    const check = await topoplan(["check", file]);
    expect(check.code).toBe(0);
  });

  it("bad flags and names: exit 2, a clear message, no stack trace", async () => {
    for (const args of [
      ["solve", SHOP, "--datastore", "nope"],
      ["solve", SHOP, "--objective", "speed"],
      ["solve", SHOP, "--top", "-1"],
      ["solve", SHOP, "--regions", "mars-north-1"],
      ["solve", SHOP, "--replicas", "0"],
      ["solve", SHOP, "--replicas", "5-3"],
      ["solve", SHOP, "--roles", "spies"],
    ]) {
      const { code, stderr } = await topoplan(args);
      expect(code).toBe(2);
      expect(stderr).not.toMatch(STACK_FRAME);
      expect(stderr).toMatch(/nope|--objective|--top|mars-north-1|--replicas|spies/);
    }
  });
});
