// biome-ignore-all lint/suspicious/noExplicitAny: manifests are read back as untyped JSON
/**
 * Kafka on Strimzi (not installable here): every custom resource validates against Strimzi's CRDs
 * (../shared/data/crds, unknown fields rejected, CEL rules checked by transcribed predicates), the
 * topic and broker settings follow the stream, the JMX rules produce exactly the metric names the
 * indicators use, and the PromQL parses.
 */

import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { serverProperties } from "../../src/compile/aws/msk.js";
import { compileKubernetes } from "../../src/compile/kubernetes/index.js";
import { brokerConfig, kafka, kafkaVersionOf, RACK_ENV } from "../../src/engines/kafka.js";
import {
  JMX_EXPORTER_CONFIG,
  JMX_EXPORTER_KEY,
  KAFKA_EXPORTER_METRICS,
  KAFKA_JMX_METRICS,
  KAFKA_METRICS,
} from "../../src/engines/kafka-metrics.js";
import { perZone } from "../../src/model/zone-deal.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { modelOf } from "../compile/kubernetes/helpers.js";
import { loadCrd } from "./crd.js";
import { indicatorExpressions, promqlErrors, selectedMetrics } from "./promql.js";

const TOPOLOGY = {
  name: "shop",
  users: { "eu-west-1": 0.5, "us-east-1": 0.5 },
  services: {
    checkout: {
      regions: ["eu-west-1", "us-east-1"],
      calls: [{ to: "orders", timeoutMs: 100 }],
      deploy: { target: "kubernetes", image: "ghcr.io/acme/checkout:1.0.0" },
    },
  },
  streams: {
    orders: {
      regions: ["eu-west-1", "us-east-1"],
      partitions: 12,
      replicas: 4,
      minInSync: 3,
      retentionHours: 72,
      producers: ["checkout"],
      deploy: { target: "kubernetes", engine: "kafka", storageGi: 500, storageClass: "gp3" },
    },
  },
} as TopologyInput;

const model = modelOf(TOPOLOGY);
const withStream = (replicas: number, minInSync: number) =>
  ({
    ...TOPOLOGY,
    streams: { orders: { ...(TOPOLOGY.streams as any).orders, replicas, minInSync } },
  }) as TopologyInput;
const streamOf = (replicas: number, minInSync: number) =>
  modelOf(withStream(replicas, minInSync)).streams[0]!;
const resources = compileKubernetes(model).filter((r) => r.component === "orders");
const inRegion = (region: string, kind: string) =>
  resources.filter((r) => r.region === region && (r.inputs as any).kind === kind).map((r) => r.inputs as any);

const CRDS = {
  Kafka: loadCrd("strimzi-kafka.crd.yaml"),
  KafkaNodePool: loadCrd("strimzi-kafkanodepool.crd.yaml"),
  KafkaTopic: loadCrd("strimzi-kafkatopic.crd.yaml"),
};

/**
 * Strimzi's CEL rules, transcribed: every rule a resource triggers must be here, with a predicate
 * that holds for what we emit.
 */
const CEL: Readonly<Record<string, (self: any) => boolean>> = {
  '(has(self.type) && self.type != "topology-label") || self.topologyKey != ""': (s) =>
    (s.type !== undefined && s.type !== "topology-label") || (s.topologyKey ?? "") !== "",
  'has(self.type) == false || self.type != "environment-variable" || self.envVarName != ""': (s) =>
    s.type === undefined || s.type !== "environment-variable" || (s.envVarName ?? "") !== "",
  "self.type != 'jmxPrometheusExporter' || has(self.valueFrom)": (s) =>
    s.type !== "jmxPrometheusExporter" || s.valueFrom !== undefined,
};

describe("kafka custom resources", () => {
  const custom = resources.filter((r) => (r.inputs as any).apiVersion?.startsWith("kafka.strimzi.io/"));

  test("the CRDs serve only kafka.strimzi.io/v1, which is what we emit", () => {
    for (const crd of Object.values(CRDS)) expect(crd.versions).toEqual(["v1"]);
    expect(new Set(custom.map((r) => (r.inputs as any).apiVersion))).toEqual(
      new Set(["kafka.strimzi.io/v1"]),
    );
  });

  test("every Kafka, KafkaNodePool and KafkaTopic validates against its CRD, unknown fields included", () => {
    // Per region: Kafka, KafkaTopic, a broker pool per zone used (eu-west-1: 3 of 3 zones,
    // us-east-1: 4 brokers over the 3 of its 6 zones a cluster is taken to span) and 3 controller pools.
    expect(custom.length).toBe(1 + 1 + 3 + 3 + (1 + 1 + 3 + 3));
    for (const r of custom) {
      const crd = CRDS[(r.inputs as any).kind as keyof typeof CRDS];
      expect(crd, r.name).toBeDefined();
      expect(crd.errors(r.inputs), r.name).toEqual([]);
    }
  });

  test("every CEL rule they trigger is transcribed and holds", () => {
    const seen = new Set<string>();
    for (const r of custom) {
      for (const { path, rule, self } of CRDS[(r.inputs as any).kind as keyof typeof CRDS].celRules(
        r.inputs,
      )) {
        seen.add(rule);
        const check = CEL[rule];
        expect(check, `unreviewed CEL rule at ${r.name} ${path}: ${rule}`).toBeDefined();
        expect(check!(self), `${r.name} ${path}: ${rule}`).toBe(true);
      }
    }
    expect(seen.size).toBe(3);
  });

  test("the validation is live: a misspelt field and a wrong type are rejected", () => {
    const topic = structuredClone(inRegion("eu-west-1", "KafkaTopic")[0]);
    topic.spec.replica = 3;
    expect(CRDS.KafkaTopic.errors(topic)).toEqual(["/spec must NOT have additional properties: replica"]);
    const pool = structuredClone(inRegion("eu-west-1", "KafkaNodePool")[0]);
    pool.spec.roles = ["leader"];
    expect(CRDS.KafkaNodePool.errors(pool).length).toBeGreaterThan(0);
  });

  test("ConfigMap and NetworkPolicies validate against kubernetes-models", () => {
    for (const m of inRegion("eu-west-1", "ConfigMap"))
      expect(() => new ConfigMap(m).validate()).not.toThrow();
    const policies = inRegion("eu-west-1", "NetworkPolicy").filter((m) =>
      m.metadata.name.startsWith("orders-"),
    );
    expect(policies.map((m) => m.metadata.name)).toEqual(
      expect.arrayContaining(["orders-kafka-egress", "orders-entity-operator-api"]),
    );
    for (const m of policies) expect(() => new NetworkPolicy(m).validate(), m.metadata.name).not.toThrow();
  });
});

describe("kafka settings", () => {
  test("one cluster per region, named after the stream, KRaft without the ignored annotations", () => {
    for (const region of ["eu-west-1", "us-east-1"]) {
      const [k] = inRegion(region, "Kafka");
      expect(k.metadata.name).toBe("orders");
      expect(k.metadata.annotations).toBeUndefined();
      expect(k.spec.kafka.listeners).toEqual([{ name: "tls", port: 9093, type: "internal", tls: true }]);
      // From the pinned image quay.io/strimzi/kafka:1.1.0-kafka-4.2.0.
      expect(k.spec.kafka.version).toBe("4.2.0");
    }
  });

  test("brokers: one pool per zone, pinned there, broker.rack from the pool's zone; three controllers over the zones", () => {
    const pools = inRegion("eu-west-1", "KafkaNodePool").map((p) => ({
      name: p.metadata.name,
      roles: p.spec.roles,
      replicas: p.spec.replicas,
      zone: p.spec.template.pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
        .nodeSelectorTerms[0].matchExpressions[0].values[0],
      rack: p.spec.template.kafkaContainer.env.find((e: any) => e.name === RACK_ENV).value,
      size: p.spec.storage.volumes[0].size,
    }));
    expect(pools).toEqual([
      {
        name: "orders-broker-eu-west-1a",
        roles: ["broker"],
        replicas: 2,
        zone: "eu-west-1a",
        rack: "eu-west-1a",
        size: "500Gi",
      },
      {
        name: "orders-broker-eu-west-1b",
        roles: ["broker"],
        replicas: 1,
        zone: "eu-west-1b",
        rack: "eu-west-1b",
        size: "500Gi",
      },
      {
        name: "orders-broker-eu-west-1c",
        roles: ["broker"],
        replicas: 1,
        zone: "eu-west-1c",
        rack: "eu-west-1c",
        size: "500Gi",
      },
      {
        name: "orders-controller-eu-west-1a",
        roles: ["controller"],
        replicas: 1,
        zone: "eu-west-1a",
        rack: "eu-west-1a",
        size: "20Gi",
      },
      {
        name: "orders-controller-eu-west-1b",
        roles: ["controller"],
        replicas: 1,
        zone: "eu-west-1b",
        rack: "eu-west-1b",
        size: "20Gi",
      },
      {
        name: "orders-controller-eu-west-1c",
        roles: ["controller"],
        replicas: 1,
        zone: "eu-west-1c",
        rack: "eu-west-1c",
        size: "20Gi",
      },
    ]);
    const [k] = inRegion("eu-west-1", "Kafka");
    expect(k.spec.kafka.rack).toEqual({ type: "environment-variable", envVarName: RACK_ENV });
    for (const p of inRegion("eu-west-1", "KafkaNodePool"))
      expect(p.metadata.labels["strimzi.io/cluster"]).toBe("orders");
  });

  test("node pools keep Strimzi's fsGroup 0 beside the restricted settings, so uid 1001 can write its volumes", () => {
    for (const p of inRegion("eu-west-1", "KafkaNodePool"))
      expect(p.spec.template.pod.securityContext).toEqual({
        runAsNonRoot: true,
        seccompProfile: { type: "RuntimeDefault" },
        fsGroup: 0,
      });
  });

  test("the topic: partitions, replicas, min.insync.replicas, no unclean election, retention", () => {
    const [topic] = inRegion("us-east-1", "KafkaTopic");
    expect(topic.metadata.labels["strimzi.io/cluster"]).toBe("orders");
    expect(topic.spec).toEqual({
      partitions: 12,
      replicas: 4,
      config: {
        "min.insync.replicas": 3,
        "unclean.leader.election.enable": false,
        "retention.ms": 259_200_000,
      },
    });
  });

  test("broker defaults follow the stream, internal topics as wide as it", () => {
    expect(inRegion("eu-west-1", "Kafka")[0].spec.kafka.config).toEqual({
      "default.replication.factor": 4,
      "min.insync.replicas": 3,
      "offsets.topic.replication.factor": 4,
      "transaction.state.log.replication.factor": 4,
      "transaction.state.log.min.isr": 3,
      "unclean.leader.election.enable": false,
      "auto.create.topics.enable": false,
    });
  });

  // The declared choice is the one deployed (the exactly-once rule judges the same value).
  test("unclean leader election: off by default, as declared when set, on Strimzi and MSK alike", () => {
    const stream = streamOf(3, 2);
    expect(brokerConfig(stream)["unclean.leader.election.enable"]).toBe(false);
    const unclean = { ...stream, uncleanLeaderElection: true };
    expect(brokerConfig(unclean)["unclean.leader.election.enable"]).toBe(true);
    expect(serverProperties(unclean)).toContain("unclean.leader.election.enable=true\n");
    expect(serverProperties(stream)).toContain("unclean.leader.election.enable=false\n");
  });

  // Offset commits are acks=all writes to the offsets topic (broker min.insync.replicas), and
  // transactions to the transaction log (its min.isr): each must lose no fewer brokers than the topic.
  test.each([
    [3, 2],
    [5, 3],
    [6, 2],
  ])(
    "replicas %i, minInSync %i: consumers commit and transactions complete whenever the topic takes writes",
    (replicas, minInSync) => {
      const config = brokerConfig(streamOf(replicas, minInSync)) as Record<string, number>;
      const topicTolerates = replicas - minInSync;
      expect(
        config["offsets.topic.replication.factor"]! - config["min.insync.replicas"]!,
      ).toBeGreaterThanOrEqual(topicTolerates);
      expect(
        config["transaction.state.log.replication.factor"]! - config["transaction.state.log.min.isr"]!,
      ).toBeGreaterThanOrEqual(topicTolerates);
    },
  );

  test.each([
    [4, 3, 1],
    [3, 3, 0],
    [5, 2, 1],
  ])(
    "replicas %i, minInSync %i: Strimzi's one budget over brokers and controllers allows %i",
    (replicas, minInSync, allowed) => {
      const k = modelOf(withStream(replicas, minInSync));
      const [cluster] = compileKubernetes(k)
        .filter((r) => r.component === "orders" && (r.inputs as any).kind === "Kafka")
        .map((r) => r.inputs as any);
      // Strimzi's default would be 1 (CRD: "Defaults to 1"), whatever the stream tolerates.
      expect(cluster.spec.kafka.template.podDisruptionBudget).toEqual({ maxUnavailable: allowed });
      expect(CRDS.Kafka.errors(cluster)).toEqual([]);
    },
  );

  test("metrics: the JMX exporter ConfigMap, and Kafka Exporter for this topic's consumer lag", () => {
    const k = inRegion("eu-west-1", "Kafka")[0];
    expect(k.spec.kafka.metricsConfig).toEqual({
      type: "jmxPrometheusExporter",
      valueFrom: { configMapKeyRef: { name: "orders-kafka-metrics", key: JMX_EXPORTER_KEY } },
    });
    const cm = inRegion("eu-west-1", "ConfigMap").find((m) => m.metadata.name === "orders-kafka-metrics");
    expect(parse(cm.data[JMX_EXPORTER_KEY]).lowercaseOutputName).toBe(true);
    expect(k.spec.kafkaExporter).toMatchObject({ topicRegex: "^(?:orders)$", groupRegex: ".*" });
  });

  test.each([
    [
      4,
      ["a", "b", "c"],
      [
        ["a", 2],
        ["b", 1],
        ["c", 1],
      ],
    ],
    [
      3,
      ["c", "a"],
      [
        ["a", 2],
        ["c", 1],
      ],
    ],
    [3, ["a"], [["a", 3]]],
  ])("%i members over zones %j", (count, zones, expected) => {
    expect([...perZone(count, zones)]).toEqual(expected);
  });

  test("the Kafka version comes from a Strimzi image tag", () => {
    expect(kafkaVersionOf("quay.io/strimzi/kafka:1.1.0-kafka-4.2.0")).toBe("4.2.0");
    expect(kafkaVersionOf("registry.example/kafka:latest")).toBeUndefined();
  });
});

/**
 * jmx_exporter's rule matching (https://github.com/prometheus/jmx_exporter): the first rule whose
 * pattern matches the whole `domain<key=value, …><>attribute` string names the sample, `$n`
 * replaced by groups, lower-cased with `lowercaseOutputName`.
 */
function jmxName(config: string, bean: string): string | undefined {
  const parsed = parse(config) as {
    lowercaseOutputName?: boolean;
    rules: { pattern: string; name: string }[];
  };
  for (const rule of parsed.rules) {
    const match = new RegExp(`^(?:${rule.pattern})$`).exec(bean);
    if (match === null) continue;
    const name = rule.name.replace(/\$(\d+)/g, (_, i: string) => match[Number(i)] ?? "");
    return parsed.lowercaseOutputName ? name.toLowerCase() : name;
  }
  return undefined;
}

describe("kafka metrics", () => {
  test("the JMX rules turn each MBean into the metric name listed for it (Strimzi's names)", () => {
    for (const { bean, metric } of KAFKA_JMX_METRICS)
      expect(jmxName(JMX_EXPORTER_CONFIG, bean), bean).toBe(metric);
    expect(
      jmxName(
        JMX_EXPORTER_CONFIG,
        "kafka.network<type=RequestMetrics, name=RequestsPerSec, request=Produce><>Count",
      ),
    ).toBeUndefined();
  });

  test("every indicator parses and selects only listed metrics; lag from Kafka Exporter", () => {
    const ind = kafka.indicators(model.streams[0]!);
    const exprs = indicatorExpressions(ind);
    expect(exprs.length).toBeGreaterThanOrEqual(8);
    for (const e of exprs) {
      expect(promqlErrors(e), e).toEqual([]);
      for (const m of selectedMetrics(e)) expect(KAFKA_METRICS, e).toContain(m);
    }
    // Group members count only where MirrorMaker 2 writes (kafka-mirror-metrics.test.ts).
    expect(selectedMetrics(ind.consumerLagSeconds!)).toEqual(
      KAFKA_EXPORTER_METRICS.filter((m) => m !== "kafka_consumergroup_members"),
    );
    expect(kafka.metricNames).toEqual(KAFKA_METRICS);
  });
});
