/**
 * `sloIndicators` is the table the observability-coverage rule reads to tell which SLOs have an
 * alert; it must name exactly the SLOs the compiled rules alert on (review: it left out consumer
 * lag, so every Kafka stream on Kubernetes with a consumerLagMs SLO was reported as having "no
 * consumer-lag metric" beside its TopoplanConsumerLagAboveSLO alert).
 */
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { observabilityCoverage } from "../../../policies/rules/observability-coverage.js";
import { compileObservability, TYPES } from "../../../src/compile/observability/index.js";
import {
  type AlertingRule,
  type RuleGroup,
  sloIndicators,
} from "../../../src/compile/observability/rules.js";
import type { Indicators } from "../../../src/engines/types.js";
import type { Model } from "../../../src/model/types.js";
import { loadTopology } from "../../../src/pipeline.js";
import { STACKS_DIR, stackFiles } from "../../render/stacks.js";
import { ENGINES, modelOf, SMALL } from "./fixture.js";

/** The indicator behind each `topoplan_slo` label the alerts carry. */
const INDICATOR_OF_SLO_LABEL: Readonly<Record<string, keyof Indicators>> = {
  availability: "errorRatio",
  latency: "p99LatencySeconds",
  "replication-lag": "replicationLagSeconds",
  "consumer-lag": "consumerLagSeconds",
};

/** Per component, the indicators its alerts (in any region) are about. */
function alertedIndicators(model: Model): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of compileObservability(model).filter((x) => x.type === TYPES.prometheusRule)) {
    const set = out.get(r.component) ?? new Set<string>();
    for (const rule of (r.inputs as { spec: { groups: RuleGroup[] } }).spec.groups.flatMap((g) => g.rules)) {
      const slo = "alert" in rule ? (rule as AlertingRule).labels.topoplan_slo : undefined;
      if (slo !== undefined) set.add(INDICATOR_OF_SLO_LABEL[slo] ?? `unknown slo label ${slo}`);
    }
    out.set(r.component, set);
  }
  return out;
}

function expectTableMatchesAlerts(model: Model): void {
  const alerted = alertedIndicators(model);
  for (const component of [...model.datastores, ...model.services, ...model.streams]) {
    if (component.deploy.target !== "kubernetes") continue;
    const covered = sloIndicators(component)
      .filter((i) => i.covered)
      .map((i) => i.indicator)
      .sort();
    expect(covered, `${model.name} ${component.name}`).toEqual(
      [...(alerted.get(component.name) ?? [])].sort(),
    );
  }
}

const KAFKA: Parameters<typeof modelOf>[0] = {
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
};

describe("sloIndicators names exactly the SLOs the rules alert on", () => {
  test("a Kafka stream's consumer-lag SLO is covered by its consumer-lag alert", () => {
    const stream = modelOf(KAFKA).streams[0]!;
    expect(sloIndicators(stream)).toContainEqual({
      slo: "consumerLagMs",
      indicator: "consumerLagSeconds",
      covered: true,
    });
  });

  test("so observability-coverage reports nothing for it", () => {
    const model = modelOf(KAFKA);
    const findings = observabilityCoverage.check(model, undefined as never, {} as never);
    expect(findings).toEqual([]);
  });

  test("an end-to-end latency SLO has no alert (no engine measures producer to consumer): the rule says so", () => {
    const model = modelOf({
      ...KAFKA,
      streams: { clicks: { ...KAFKA.streams!.clicks!, slo: { consumerLagMs: 10_000, endToEndP99Ms: 500 } } },
    });
    expect(sloIndicators(model.streams[0]!)).toContainEqual({
      slo: "endToEndP99Ms",
      indicator: "p99LatencySeconds",
      covered: false,
    });
    const findings = observabilityCoverage.check(model, undefined as never, {} as never);
    expect(findings.map((f) => [f.path, f.message])).toEqual([
      [
        "streams.clicks.slo",
        "streams.clicks SLO endToEndP99Ms has no alert: the Apache Kafka (Strimzi) engine's metrics give no indicator for it",
      ],
    ]);
  });

  test.each([
    ["small fixture", SMALL],
    ["engines fixture", ENGINES],
    ["kafka", KAFKA],
  ])("%s", (_, topology) => expectTableMatchesAlerts(modelOf(topology)));

  test.each(stackFiles())("stacks/%s", async (file) => {
    expectTableMatchesAlerts((await loadTopology(join(STACKS_DIR, file))).model);
  });
});
