import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Analysis } from "../../src/analysis/types.js";
import { runCheck } from "../../src/check.js";
import { compilePlan } from "../../src/compile/index.js";
import type { ResourcePlan } from "../../src/compile/plan.js";
import { unwrapDiagnostics } from "../../src/diagnostics/format-text.js";
import { type LoadedTopology, loadTopology } from "../../src/pipeline.js";
import { readStackSettings } from "../../src/pulumi/config.js";
import { substituteRefs } from "../../src/pulumi/order.js";
import topoplanProgram from "../../src/pulumi/program.js";
import { blockingFindings, runProgram } from "../../src/pulumi/stack.js";
import type { CheckReport } from "../../src/report/types.js";
import {
  failureOf,
  installMocks,
  providersOf,
  type Registered,
  resourcesOf,
  runStack,
} from "../pulumi/helpers/mocks.js";

/**
 * Every example stack, run the way `pulumi up --stack <name>` runs it: its stacks/Pulumi.<name>.yaml
 * as config, the real entry point (src/pulumi/program.ts), Pulumi's mocks instead of the engine.
 * The program must follow the check's verdict (an error-level finding stops it before anything is
 * registered), and the resources it registers must be exactly the stack's ResourcePlan.
 */
const root = fileURLToPath(new URL("../../", import.meta.url));
const stacks = readdirSync(`${root}stacks`)
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => s !== undefined)
  .sort();

const lookup = (value: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);

describe.each(stacks)("stack %s under mocks", (stack) => {
  const config = (
    parse(readFileSync(`${root}stacks/Pulumi.${stack}.yaml`, "utf8")) as { config: Record<string, unknown> }
  ).config;
  const topology = config["topoplan:topology"] as string;
  const key = (r: { type: string; name: string }) => `${r.type} ${r.name}`;
  let loaded: LoadedTopology;
  let report: CheckReport;
  let plan: ResourcePlan;
  let registered: Registered[];
  let outputs: Record<string, unknown>;

  it("follows the check: stops with the report before registering anything, or deploys the plan", async () => {
    loaded = await loadTopology(`${root}${topology}`);
    report = runCheck(loaded);
    // The program scopes AWS physical names to the stack.
    plan = compilePlan(loaded.model, report.analysis as Analysis, { aws: { stack } });
    expect(plan.resources.length).toBeGreaterThan(0);
    const blocking = blockingFindings(report.findings, "error");

    registered = await installMocks({ stack, config });
    if (blocking.length > 0) {
      const error = await failureOf(() => topoplanProgram());
      expect(pulumi.RunError.isInstance(error)).toBe(true);
      expect(error.message).toContain(`topoplan: ${topology} has ${blocking.length} finding`);
      expect(error.message).toContain("nothing was registered");
      for (const finding of blocking)
        expect(unwrapDiagnostics(error.message)).toContain(`${finding.message}  [${finding.code}]`);
      expect(registered).toEqual([]);
    } else {
      await runStack(() => topoplanProgram());
      expect(resourcesOf(registered).map(key).sort()).toEqual(plan.resources.map(key).sort());
    }
  });

  /**
   * The deployment itself, checked whatever the verdict: the same program with the blocking
   * findings accepted (as a user would after fixing or suppressing them).
   */
  it("registers exactly the resources of its plan", async () => {
    const accept = (): CheckReport => ({
      ...report,
      findings: report.findings.filter((f) => !blockingFindings([f], "error").length),
      summary: { ...report.summary, errors: 0 },
    });
    registered = await installMocks({ stack, config });
    outputs = await runStack(() => runProgram(readStackSettings(), { check: accept }));

    const got = resourcesOf(registered).map(key).sort();
    expect(got).toEqual(plan.resources.map(key).sort());
    expect(new Set(got).size).toBe(got.length);
  });

  it("passes each resource's inputs unchanged, refs resolved to the referenced outputs", () => {
    const byName = new Map(resourcesOf(registered).map((r) => [r.name, r]));
    // Values only the deployment knows (generated passwords, JSON policies holding outputs) are
    // resolved by the adapter: test/pulumi/runtime-values.test.ts checks them.
    for (const planned of plan.resources.filter((r) => !JSON.stringify(r.inputs).includes('"$runtime"'))) {
      const expected = substituteRefs(planned.inputs, (ref) =>
        // The mocks answer id = `<name>-id`; every other output is in the returned state.
        ref.property === "id" ? `${ref.$ref}-id` : lookup(byName.get(ref.$ref)!.state, ref.property),
      );
      // JSON round trip: the plan may hold `undefined` fields, which Pulumi does not send.
      expect(byName.get(planned.name)!.inputs, planned.name).toEqual(JSON.parse(JSON.stringify(expected)));
    }
  });

  it("maps options: protect and retainOnDelete as planned, every StatefulSet protected, dependsOn", () => {
    const byName = new Map(resourcesOf(registered).map((r) => [r.name, r]));
    for (const planned of plan.resources) {
      const r = byName.get(planned.name)!;
      expect({ protect: r.protect, retainOnDelete: r.retainOnDelete }, planned.name).toEqual({
        protect: planned.options?.protect ?? false,
        retainOnDelete: planned.options?.retainOnDelete ?? false,
      });
      for (const dep of planned.options?.dependsOn ?? [])
        expect(r.dependencies).toContain(byName.get(dep)!.urn);
    }
    const statefulSets = plan.resources.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet");
    for (const sts of statefulSets) {
      const r = byName.get(sts.name)!;
      expect([sts.name, r.protect, r.retainOnDelete]).toEqual([sts.name, true, true]);
      expect((r.inputs.spec as { replicas: number }).replicas).toBe(
        (sts.inputs.spec as { replicas: number }).replicas,
      );
      expect((r.inputs.spec as { replicas: number }).replicas).toBeGreaterThan(0);
    }
  });

  it("uses its region's provider for every resource, one per region and kind, from the stack config", () => {
    const providers = providersOf(registered);
    const clusters = config["topoplan:clusters"] as Record<string, { context?: string }>;
    for (const r of resourcesOf(registered)) {
      const planned = plan.resources.find((p) => p.name === r.name)!;
      const name = `${planned.provider === "kubernetes" ? "k8s" : "aws"}-${planned.region}`;
      expect(r.provider, r.name).toBe(`${providers.get(name)!.urn}::${name}-id`);
    }
    const expected = [
      ...new Set(plan.resources.map((p) => `${p.provider === "kubernetes" ? "k8s" : "aws"}-${p.region}`)),
    ];
    expect([...providers.keys()].sort()).toEqual(expected.sort());
    for (const [name, provider] of providers) {
      if (name.startsWith("k8s-")) expect(provider.inputs.context).toBe(clusters[name.slice(4)]!.context);
      else expect(provider.inputs.region).toBe(name.slice(4));
    }
  });

  it("returns the stack outputs", () => {
    const counts: Record<string, number> = {};
    for (const r of plan.resources) counts[r.region] = (counts[r.region] ?? 0) + 1;
    expect(outputs).toMatchObject({
      topology: plan.topology,
      topoplanTopology: topology,
      regions: Object.keys(counts).sort(),
      resourceCount: plan.resources.length,
      resourceCounts: counts,
      check: { errors: 0 },
    });
    const endpoints = outputs.endpoints as Record<string, Record<string, string[]>>;
    const headless = plan.resources.filter(
      (r) =>
        r.type === "kubernetes:core/v1:Service" &&
        (r.inputs.spec as { clusterIP?: string }).clusterIP === "None",
    );
    for (const svc of headless) {
      const { name, namespace } = svc.inputs.metadata as { name: string; namespace: string };
      expect(endpoints[svc.component]?.[svc.region]).toContain(`${name}.${namespace}.svc.cluster.local`);
    }
    for (const table of plan.resources.filter((r) => r.type === "aws:dynamodb/table:Table")) {
      expect(endpoints[table.component]?.[table.region]).toContain(`arn:mock:dynamodb/table:${table.name}`);
    }
  });
});

it("covers the example stacks", () => {
  expect(stacks).toEqual(expect.arrayContaining(["global-kv", "service-mesh", "streaming", "edge-cache"]));
});
