import { describe, expect, it } from "vitest";
import {
  ALERT,
  componentRuleGroups,
  DEFAULT_MIN_REQUESTS_PER_SECOND,
} from "../../../src/compile/observability/index.js";
import type { AlertingRule, RuleGroup } from "../../../src/compile/observability/rules.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { regionRules } from "../../engines/promtool.js";
import { modelOf } from "../kubernetes/helpers.js";

/**
 * A stream's consumer groups commit offsets to the cluster of the region their consumer runs in
 * (clients dial their own region's bootstrap). In a region of the stream where no declared
 * consumer runs, no group ever has a lag series: a no-data alert there would fire from the first
 * ten minutes and never clear.
 */
const topology = (consumerRegions: string[]): TopologyInput =>
  ({
    name: "shop",
    users: { "eu-west-1": 0.5, "us-east-1": 0.5 },
    services: {
      checkout: {
        regions: ["eu-west-1", "us-east-1"],
        deploy: { target: "kubernetes", image: "ghcr.io/acme/checkout:1.0.0", port: 8080 },
      },
      billing: {
        regions: consumerRegions,
        deploy: { target: "kubernetes", image: "ghcr.io/acme/billing:1.0.0", port: 8080 },
      },
    },
    streams: {
      orders: {
        regions: ["eu-west-1", "us-east-1"],
        partitions: 6,
        replicas: 3,
        minInSync: 2,
        producers: ["checkout"],
        consumers: ["billing"],
        slo: { consumerLagMs: 30_000 },
        deploy: { target: "kubernetes", engine: "kafka" },
      },
    },
  }) as TopologyInput;

const alerts = (groups: readonly RuleGroup[]) =>
  groups.flatMap((g) => g.rules).filter((r): r is AlertingRule => "alert" in r);
const consumerLagNoData = (groups: readonly RuleGroup[]) =>
  alerts(groups).filter((r) => r.alert === ALERT.metricsAbsent && r.labels.topoplan_slo === "consumer-lag");

describe("a stream's consumer-lag no-data alert", () => {
  it("is made only where a declared consumer runs; the lag alert stays everywhere", () => {
    const model = modelOf(topology(["eu-west-1"]));
    const consumed = regionRules(model, "orders", "eu-west-1");
    const idle = regionRules(model, "orders", "us-east-1");
    expect(consumerLagNoData(consumed).map((r) => r.expr)).toEqual([
      'absent(kafka_consumergroup_lag{topoplan_component="orders",topic="orders"})',
    ]);
    expect(consumerLagNoData(idle)).toEqual([]);
    for (const groups of [consumed, idle])
      expect(alerts(groups).filter((r) => r.alert === ALERT.consumerLag)).toHaveLength(1);
    // The lab and the dashboards' rules read the same (componentRuleGroups).
    expect(
      consumerLagNoData(
        componentRuleGroups(model, model.streams[0]!, "us-east-1", {
          minRequestsPerSecond: DEFAULT_MIN_REQUESTS_PER_SECOND,
        }),
      ),
    ).toEqual([]);
  });

  it("counts a service calling the stream to consume as a consumer", () => {
    const spec = topology(["eu-west-1"]) as unknown as {
      services: Record<string, Record<string, unknown>>;
    };
    spec.services.audit = {
      regions: ["us-east-1"],
      calls: [{ to: "orders", op: "consume", timeoutMs: 1000 }],
      deploy: { target: "kubernetes", image: "ghcr.io/acme/audit:1.0.0", port: 8080 },
    };
    const model = modelOf(spec as unknown as TopologyInput);
    for (const region of ["eu-west-1", "us-east-1"])
      expect(consumerLagNoData(regionRules(model, "orders", region))).toHaveLength(1);
  });

  // MirrorMaker 2 copies the source groups' offsets into groups of the topic in a mirror-only
  // region (IdentityReplicationPolicy, sync.group.offsets): their lag series are there.
  it("is kept in a mirror-only region, where MirrorMaker 2 copies the groups", () => {
    const spec = topology(["eu-west-1"]) as unknown as {
      streams: Record<string, Record<string, unknown>>;
      services: Record<string, Record<string, unknown>>;
    };
    spec.streams.orders!.regions = ["eu-west-1"];
    spec.streams.orders!.mirrorRegions = ["us-east-1"];
    spec.services.checkout!.regions = ["eu-west-1"];
    const model = modelOf(spec as unknown as TopologyInput);
    for (const region of ["eu-west-1", "us-east-1"])
      expect(
        consumerLagNoData(regionRules(model, "orders", region)).filter((r) => !r.labels.topoplan_signal),
      ).toHaveLength(1);
  });

  // A stream region reads its own topic only; MM2's copies of groups are on <source>.<stream>.
  it("is not made in a stream region receiving a mirror but running no consumer", () => {
    const spec = topology(["eu-west-1"]) as unknown as { streams: Record<string, Record<string, unknown>> };
    spec.streams.orders!.mirrorRegions = ["us-east-1"];
    const groups = regionRules(modelOf(spec as unknown as TopologyInput), "orders", "us-east-1");
    // The mirror's own no-data alert (signal "mirror") stays: MM2 runs there.
    expect(consumerLagNoData(groups).map((r) => r.labels.topoplan_signal)).toEqual(["mirror"]);
  });

  // MM2 copies only groups a source cluster has: those of consumers running in the source region.
  it("is made in a mirror-only region only when one of its sources has consumers", () => {
    const spec = topology(["eu-central-1"]) as unknown as {
      streams: Record<string, Record<string, unknown>>;
      services: Record<string, Record<string, unknown>>;
    };
    spec.streams.orders!.mirrorRegions = ["us-east-1", "eu-central-1"];
    const model = modelOf(spec as unknown as TopologyInput);
    const noData = (region: string) =>
      consumerLagNoData(regionRules(model, "orders", region)).filter((r) => !r.labels.topoplan_signal);
    expect(noData("us-east-1")).toEqual([]);
    expect(noData("eu-central-1")).toHaveLength(1);
    // A mirror-only region whose one source runs no consumer: MM2 has no group to copy there.
    spec.streams.orders!.regions = ["eu-west-1"];
    const unsourced = modelOf(spec as unknown as TopologyInput);
    expect(
      consumerLagNoData(regionRules(unsourced, "orders", "us-east-1")).filter(
        (r) => !r.labels.topoplan_signal,
      ),
    ).toEqual([]);
    // Two sources with consumers in one: the groups' copies are on <source>.orders there.
    spec.streams.orders!.regions = ["eu-west-1", "us-east-1"];
    spec.streams.orders!.mirrorRegions = ["eu-central-1"];
    spec.services.billing!.regions = ["eu-west-1"];
    const [kept, ...more] = consumerLagNoData(
      regionRules(modelOf(spec as unknown as TopologyInput), "orders", "eu-central-1"),
    ).filter((r) => !r.labels.topoplan_signal);
    expect(more).toEqual([]);
    expect(kept?.expr).toBe(
      'absent(kafka_consumergroup_lag{topoplan_component="orders",topic=~"orders|eu-west-1[.]orders|us-east-1[.]orders"})',
    );
  });

  it("is made in every region a consumer runs in", () => {
    const model = modelOf(topology(["eu-west-1", "us-east-1"]));
    for (const region of ["eu-west-1", "us-east-1"])
      expect(consumerLagNoData(regionRules(model, "orders", region))).toHaveLength(1);
  });
});
