import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, topoplan } from "./cli.js";

/**
 * The same spec gives the same bytes whatever the user's locale. Names chosen where collations
 * disagree with code-unit order: Danish sorts "aa" after "z", Czech "ch" after "h", Lithuanian "y"
 * between "i" and "k". Before src/order.ts, the plan's JSON, the findings' order and the compiled
 * NetworkPolicies, VirtualService routes and dashboards all changed with LANG.
 */
const SPEC = `name: locale-order
users:
  us-east-1: 0.6
  eu-west-1: 0.4
datastores:
  aa-store:
    replication: consensus
    consistency: strong
    partitions: { count: 1, key: id, strategy: hash }
    replicas: 3
    placement: { us-east-1: 2, eu-west-1: 1 }
    survive: zone
    deploy: { target: kubernetes, engine: etcd }
services:
  aa-gateway:
    regions: [us-east-1, eu-west-1]
    calls: [{ to: chat-api, timeoutMs: 500 }, { to: cloud-api, timeoutMs: 500 }]
    deploy: { target: kubernetes, image: "ghcr.io/acme/a:1.0.0", port: 8080 }
  chat-api:
    regions: [us-east-1, eu-west-1]
    calls: [{ to: aa-store, op: read, timeoutMs: 200 }]
    deploy: { target: kubernetes, image: "ghcr.io/acme/c:1.0.0", port: 8080 }
  cloud-api:
    regions: [us-east-1, eu-west-1]
    calls: [{ to: aa-store, op: write, timeoutMs: 300 }]
    deploy: { target: kubernetes, image: "ghcr.io/acme/d:1.0.0", port: 8080 }
  yak-api:
    regions: [us-east-1]
    deploy: { target: kubernetes, image: "ghcr.io/acme/y:1.0.0", port: 8080 }
  ink-api:
    regions: [us-east-1]
    deploy: { target: kubernetes, image: "ghcr.io/acme/i:1.0.0", port: 8080 }
`;

const LOCALES = ["C.UTF-8", "da_DK.UTF-8", "cs_CZ.UTF-8", "lt_LT.UTF-8"];
const envOf = (locale: string) => ({ LANG: locale, LC_ALL: locale });

const dir = mkdtempSync(join(tmpdir(), "topoplan-locale-"));
const spec = join(dir, "spec.yaml");
writeFileSync(spec, SPEC);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every file under `root` with its text, by relative path. */
function files(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else out[relative(root, path)] = readFileSync(path, "utf8");
    }
  };
  walk(root);
  return out;
}

describe("output does not depend on the locale", () => {
  it("Node follows LANG here, so the comparison below can fail", () => {
    // Without this the test would pass vacuously on a Node whose collation ignored LANG.
    const sorted = spawnSync(
      process.execPath,
      ["-e", 'process.stdout.write(["aa", "z"].sort((a, b) => a.localeCompare(b)).join())'],
      { env: { ...process.env, ...envOf("da_DK.UTF-8") }, encoding: "utf8" },
    );
    expect(sorted.stdout).toBe("z,aa");
  });

  it("plan --format json, check and render give the same bytes in four locales", async () => {
    const runs = [];
    for (const locale of LOCALES) {
      const env = envOf(locale);
      const plan = await topoplan(["plan", spec, "--format", "json"], { env });
      const check = await topoplan(["check", spec], { env });
      const out = join(dir, `render-${locale}`);
      const render = await topoplan(["render", spec, "--out", out], { env });
      expect(plan.code, `${locale}: ${plan.stderr}`).toBe(0);
      expect(render.code, `${locale}: ${render.stderr}`).toBe(0);
      runs.push({ locale, plan: plan.stdout, check: check.stdout + check.stderr, files: files(out) });
    }
    const [first, ...rest] = runs;
    // Code-unit order: "aa-gateway" first, "chat-api" before "cloud-api", "ink-api" before "yak-api".
    const names = (
      JSON.parse(first!.plan) as { analysis: { services: { name: string }[] } }
    ).analysis.services.map((s) => s.name);
    expect(names).toEqual(["aa-gateway", "chat-api", "cloud-api", "ink-api", "yak-api"]);
    const objects =
      Object.values(first!.files)
        .join("")
        .match(/^# pulumi: /gm) ?? [];
    expect(objects.length).toBeGreaterThan(20);
    for (const run of rest) {
      expect(run.plan, run.locale).toBe(first!.plan);
      expect(run.check, run.locale).toBe(first!.check);
      expect(run.files, run.locale).toEqual(first!.files);
    }
  }, 120_000);

  it("no source orders text by locale", () => {
    const offenders: string[] = [];
    const scan = (at: string) => {
      for (const entry of readdirSync(at, { withFileTypes: true })) {
        const path = join(at, entry.name);
        if (entry.isDirectory()) scan(path);
        else if (entry.name.endsWith(".ts") && path !== join(ROOT, "src/order.ts"))
          if (readFileSync(path, "utf8").includes(".localeCompare(")) offenders.push(relative(ROOT, path));
      }
    };
    for (const top of ["src", "policies", "bench", "scripts"]) scan(join(ROOT, top));
    expect(offenders, "use byText from src/order.ts").toEqual([]);
  });
});
