import { beforeAll, describe, expect, it } from "vitest";
import { generateTopology } from "../../bench/generate.js";
import { analyse } from "../../src/analysis/index.js";
import { compilePlan, type ResourcePlan } from "../../src/compile/index.js";
import { MAX_OBJECT_BYTES, TYPES } from "../../src/compile/observability/index.js";
import { topologyFromData } from "../../src/pipeline.js";

/**
 * The API server refuses a ConfigMap whose data passes 1 MiB (and etcd a request above 1.5 MiB):
 * a compiled object that large would fail at `pulumi up`. At 2,000 services one region's dashboard
 * alone was ~3.7 MB (issue #15).
 */
describe("compiled object sizes at 2,000 services", () => {
  let plan: ResourcePlan;
  beforeAll(() => {
    const spec = generateTopology({ seed: 1, services: 2000, partitions: 1000, regions: 25, replicas: 5 });
    const { model } = topologyFromData({ file: "bench.ts", format: "typescript", text: "", data: spec });
    plan = compilePlan(model, analyse(model));
  });

  it("no object's JSON passes 1 MiB", () => {
    const over = plan.resources
      .map((r) => ({ name: r.name, bytes: Buffer.byteLength(JSON.stringify(r.inputs)) }))
      .filter((r) => r.bytes > MAX_OBJECT_BYTES);
    expect(over).toEqual([]);
  });

  it("the dashboards are split into parts that together show every component of the region once", () => {
    const region = "us-east-1";
    const parts = plan.resources.filter(
      (r) => r.type === TYPES.configMap && r.region === region && r.name.includes("/ConfigMap/topoplan-"),
    );
    expect(parts.length).toBeGreaterThan(1);
    const uids = new Set<string>();
    const rows: string[] = [];
    for (const part of parts) {
      const inputs = part.inputs as {
        metadata: { name: string; labels: Record<string, string> };
        data: Record<string, string>;
      };
      expect(inputs.metadata.labels.grafana_dashboard).toBe("1");
      expect(inputs.metadata.name).toMatch(/^topoplan-bench-1-dashboard-\d+$/);
      for (const text of Object.values(inputs.data)) {
        const dashboard = JSON.parse(text) as { uid: string; panels: { type: string; title: string }[] };
        expect(dashboard.uid.length).toBeLessThanOrEqual(40);
        uids.add(dashboard.uid);
        rows.push(...dashboard.panels.filter((p) => p.type === "row").map((p) => p.title));
      }
    }
    expect(uids.size).toBe(parts.length);
    // Every Kubernetes component in the region, as observability compiles them, has one row.
    const monitored = plan.resources
      .filter((r) => r.region === region && r.type === TYPES.prometheusRule)
      .map((r) => r.component);
    expect(new Set(rows).size).toBe(rows.length);
    expect(rows.length).toBeGreaterThanOrEqual(monitored.length);
    for (const name of monitored) expect(rows.some((row) => row.endsWith(` ${name}`))).toBe(true);
  });
});
