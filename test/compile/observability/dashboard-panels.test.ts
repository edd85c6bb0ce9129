/**
 * What a reader of the dashboard needs to tell the lines apart and see every SLO an alert holds
 * (review: the Foundation SDK's default legend is hidden, so the error ratio's 5m and 1h lines and
 * p99 beside the average were unlabelled; a stream's consumer lag was recorded and alerted on but
 * shown nowhere).
 */
import { describe, expect, test } from "vitest";
import { compileObservability, TYPES } from "../../../src/compile/observability/index.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { modelOf, SMALL } from "./fixture.js";

interface Panel {
  readonly type: string;
  readonly title: string;
  readonly options?: { readonly legend?: { readonly showLegend?: boolean } };
  readonly fieldConfig?: {
    readonly defaults: {
      readonly unit?: string;
      readonly thresholds?: { steps: { value: number | null }[] };
    };
  };
  readonly targets?: readonly { readonly expr: string; readonly legendFormat?: string }[];
}

function panelsOf(topology: TopologyInput): Panel[] {
  return compileObservability(modelOf(topology))
    .filter((r) => r.type === TYPES.configMap)
    .flatMap((r) => Object.values((r.inputs as { data: Record<string, string> }).data))
    .flatMap((text) => (JSON.parse(text) as { panels: Panel[] }).panels);
}

describe("dashboard panels", () => {
  test("every timeseries panel shows its legend", () => {
    const series = panelsOf(SMALL).filter((p) => p.type === "timeseries");
    expect(series.filter((p) => (p.targets?.length ?? 0) > 1).length).toBeGreaterThan(0);
    for (const p of series) expect(p.options?.legend?.showLegend, p.title).toBe(true);
  });

  test("a Kafka stream's consumer lag, in seconds, against its SLO", () => {
    const panels = panelsOf({
      name: "events",
      streams: {
        clicks: {
          regions: ["eu-west-1"],
          partitions: 12,
          replicas: 3,
          minInSync: 2,
          slo: { availability: 0.999, consumerLagMs: 10_000 },
          deploy: { target: "kubernetes", engine: "kafka" },
        },
      },
    });
    const lag = panels.find((p) => p.title === "Consumer lag (max over groups)");
    expect(lag?.targets?.map((t) => t.expr)).toEqual([
      'topoplan:consumer_lag_seconds:max{topoplan_component="clicks"}',
    ]);
    expect(lag?.fieldConfig?.defaults.unit).toBe("s");
    expect(lag?.fieldConfig?.defaults.thresholds?.steps.map((s) => s.value)).toEqual([null, 10]);
  });
});
