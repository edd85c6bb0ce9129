// biome-ignore-all lint/suspicious/noExplicitAny: manifests are read back as untyped JSON
/**
 * `mirrorRegions` on Strimzi: a cluster in every mirror-only region, a KafkaMirrorMaker2 in every
 * target region reading each source over its clusterset names, and every custom resource valid
 * against Strimzi's CRDs (KafkaMirrorMaker2's from test/engines/fixtures, same Strimzi commit).
 */
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { describe, expect, test } from "vitest";
import { compilePlan } from "../../src/compile/index.js";
import { compileKubernetes } from "../../src/compile/kubernetes/index.js";
import { MIRROR_PORT } from "../../src/engines/kafka-mirror.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { modelOf } from "../compile/kubernetes/helpers.js";
import { loadCrd } from "./crd.js";

const MM2_CRD = new URL("./fixtures/strimzi-kafkamirrormaker2.crd.yaml", import.meta.url).href;

const topology = (streamRegions: string[], mirrorRegions?: string[]) =>
  ({
    name: "shop",
    users: { "eu-west-1": 1 },
    streams: {
      orders: {
        regions: streamRegions,
        ...(mirrorRegions === undefined ? {} : { mirrorRegions }),
        partitions: 6,
        replicas: 3,
        minInSync: 2,
        deploy: { target: "kubernetes", engine: "kafka" },
      },
    },
  }) as TopologyInput;

const compiled = (t: TopologyInput) =>
  compileKubernetes(modelOf(t)).map((r) => ({ region: r.region, m: r.inputs as any }));
const mirrored = compiled(topology(["eu-west-1"], ["us-east-1"]));
const of = (list: typeof mirrored, region: string, kind: string) =>
  list.filter((r) => r.region === region && r.m.kind === kind).map((r) => r.m);

describe("a mirror-only region", () => {
  test("gets the stream's cluster, topic, node pools and its namespace", () => {
    expect(of(mirrored, "us-east-1", "Kafka").map((k) => k.metadata.name)).toEqual(["orders"]);
    expect(of(mirrored, "us-east-1", "KafkaTopic").map((k) => k.spec.replicas)).toEqual([3]);
    const brokers = of(mirrored, "us-east-1", "KafkaNodePool").filter((p) => p.spec.roles[0] === "broker");
    expect(brokers.reduce((n, p) => n + p.spec.replicas, 0)).toBe(3);
    expect(of(mirrored, "us-east-1", "Namespace").map((n) => n.metadata.name)).toEqual(["shop"]);
    expect(of(mirrored, "us-east-1", "NetworkPolicy").map((n) => n.metadata.name)).toContain(
      "topoplan-default-deny",
    );
  });

  test("is placed like one of the stream's regions, so it is monitored there too", () => {
    const model = modelOf(topology(["eu-west-1"], ["us-east-1"]));
    const plan = compilePlan(model);
    const monitors = plan.resources.filter(
      (r) => r.region === "us-east-1" && r.type === "kubernetes:monitoring.coreos.com/v1:PodMonitor",
    );
    expect(monitors.length).toBeGreaterThan(0);
  });

  test("runs MirrorMaker 2 reading the source over its clusterset bootstrap, names kept", () => {
    const [mm2, ...more] = of(mirrored, "us-east-1", "KafkaMirrorMaker2");
    expect(more).toEqual([]);
    expect(mm2.spec.target).toMatchObject({
      alias: "us-east-1",
      bootstrapServers: "orders-kafka-bootstrap:9093",
    });
    expect(mm2.spec.target.config["config.storage.replication.factor"]).toBe(3);
    const [mirror] = mm2.spec.mirrors;
    expect(mirror.source).toMatchObject({
      alias: "eu-west-1",
      bootstrapServers: `orders-mirror-eu-west-1.shop.svc.clusterset.local:${MIRROR_PORT}`,
    });
    expect(mirror.topicsPattern).toBe("^orders$");
    expect(mirror.sourceConnector.config["replication.policy.class"]).toBe(
      "org.apache.kafka.connect.mirror.IdentityReplicationPolicy",
    );
    expect(mirror.checkpointConnector.config["sync.group.offsets.enabled"]).toBe("true");
    expect(mirror.checkpointConnector.config["checkpoints.topic.replication.factor"]).toBe(3);
    // It had none: a BestEffort pod, the first a node under memory pressure evicts, and unpriced.
    expect(mm2.spec.resources).toEqual({ requests: { cpu: "1", memory: "2Gi" }, limits: { memory: "2Gi" } });
  });

  test("MirrorMaker 2 may reach its own brokers and the source's mirror port", () => {
    const egress = of(mirrored, "us-east-1", "NetworkPolicy").find(
      (p) => p.metadata.name === "orders-mirror-egress",
    );
    expect(egress.spec.podSelector.matchLabels).toEqual({ "strimzi.io/cluster": "orders-mirror" });
    const ports = egress.spec.egress.map((r: any) => r.ports[0].port);
    expect(ports).toEqual([9093, MIRROR_PORT, 8083]);
    new NetworkPolicy(egress).validate();
  });
});

describe("a source region", () => {
  test("advertises its brokers by clusterset names on the mirror listener and exports them", () => {
    const [kafka] = of(mirrored, "eu-west-1", "Kafka");
    const mirror = kafka.spec.kafka.listeners.find((l: any) => l.name === "mirror");
    expect(mirror.configuration.advertisedHostTemplate).toBe(
      "{nodePodName}.eu-west-1.orders-kafka-brokers.shop.svc.clusterset.local",
    );
    expect(mirror.configuration.bootstrap.alternativeNames).toEqual([
      "orders-mirror-eu-west-1.shop.svc.clusterset.local",
    ]);
    expect(
      of(mirrored, "eu-west-1", "ServiceExport")
        .map((e) => e.metadata.name)
        .sort(),
    ).toEqual(["orders-kafka-brokers", "orders-mirror-eu-west-1"]);
    expect(of(mirrored, "eu-west-1", "KafkaMirrorMaker2")).toEqual([]);
  });

  test("keeps its mirror port PERMISSIVE: MirrorMaker 2's sidecar, in another region's mesh, sends it plaintext", () => {
    const mesh = compilePlan(modelOf(topology(["eu-west-1"], ["us-east-1"]))).resources;
    const policy = mesh.find((r) => r.name === "eu-west-1/shop/PeerAuthentication/orders-mtls")
      ?.inputs as any;
    expect(policy.spec.portLevelMtls[String(MIRROR_PORT)]).toEqual({ mode: "PERMISSIVE" });
    const plain = compilePlan(modelOf(topology(["eu-west-1"]))).resources;
    const unmirrored = plain.find((r) => r.name === "eu-west-1/shop/PeerAuthentication/orders-mtls")
      ?.inputs as any;
    expect(unmirrored.spec.portLevelMtls[String(MIRROR_PORT)]).toBeUndefined();
  });
});

test("a target that is also a stream region prefixes remote topics (no identity loop)", () => {
  const both = compiled(topology(["eu-west-1", "us-east-1"], ["eu-west-1", "us-east-1"]));
  for (const region of ["eu-west-1", "us-east-1"]) {
    const [mm2] = of(both, region, "KafkaMirrorMaker2");
    expect(mm2.spec.mirrors[0].sourceConnector.config["replication.policy.class"]).toBe(
      "org.apache.kafka.connect.mirror.DefaultReplicationPolicy",
    );
  }
  expect(of(both, "us-east-1", "Namespace")).toHaveLength(1);
});

test("a mirror-only region of two sources keeps their copies apart, so their groups' offsets do not meet", () => {
  // One topic would hold both sources' records and one group both translations; MM2 only moves a
  // group's offset forward, so a consumer failing over would skip the slower source's records.
  const two = compiled(topology(["eu-west-1", "eu-central-1"], ["us-east-1"]));
  const [mm2] = of(two, "us-east-1", "KafkaMirrorMaker2");
  expect(mm2.spec.mirrors.map((m: any) => m.source.alias)).toEqual(["eu-central-1", "eu-west-1"]);
  for (const mirror of mm2.spec.mirrors)
    for (const connector of [mirror.sourceConnector, mirror.checkpointConnector])
      expect(connector.config["replication.policy.class"]).toBe(
        "org.apache.kafka.connect.mirror.DefaultReplicationPolicy",
      );
  // Kafka Exporter there reports the groups of the copies, and of the stream's own topic.
  const [kafka] = of(two, "us-east-1", "Kafka");
  const exported = new RegExp(kafka.spec.kafkaExporter.topicRegex);
  for (const topic of ["orders", "eu-west-1.orders", "eu-central-1.orders"]) expect(topic).toMatch(exported);
  for (const topic of ["eu-west-1xorders", "orders2", "us-east-1.orders"])
    expect(topic).not.toMatch(exported);
  // One source: its name is kept, and only the topic is exported.
  const [single] = of(mirrored, "us-east-1", "Kafka");
  expect(single.spec.kafkaExporter.topicRegex).toBe("^(?:orders)$");
});

test("every custom resource validates against its Strimzi CRD", () => {
  const crds = {
    Kafka: loadCrd("strimzi-kafka.crd.yaml", "v1"),
    KafkaNodePool: loadCrd("strimzi-kafkanodepool.crd.yaml", "v1"),
    KafkaTopic: loadCrd("strimzi-kafkatopic.crd.yaml", "v1"),
    KafkaMirrorMaker2: loadCrd(MM2_CRD, "v1"),
  } as Record<string, ReturnType<typeof loadCrd>>;
  const custom = mirrored.filter((r) => r.m.apiVersion === "kafka.strimzi.io/v1");
  expect(new Set(custom.map((r) => r.m.kind))).toEqual(new Set(Object.keys(crds)));
  for (const { m } of custom)
    expect([m.kind, m.metadata.name, crds[m.kind]!.errors(m)]).toEqual([m.kind, m.metadata.name, []]);
  // ajv does not evaluate CEL: every rule the KafkaMirrorMaker2 triggers is transcribed here.
  const [mm2] = of(mirrored, "us-east-1", "KafkaMirrorMaker2");
  const cel = crds.KafkaMirrorMaker2!.celRules(mm2);
  expect(cel.map((c) => c.rule)).toEqual(["self.type != 'jmxPrometheusExporter' || has(self.valueFrom)"]);
  for (const { self } of cel as { self: any }[])
    expect(self.type !== "jmxPrometheusExporter" || self.valueFrom !== undefined).toBe(true);
});

test("a stream without mirrorRegions gets no mirroring", () => {
  const plain = compiled(topology(["eu-west-1"]));
  expect(plain.filter((r) => r.m.kind === "KafkaMirrorMaker2" || r.m.kind === "ServiceExport")).toEqual([]);
  expect(new Set(plain.map((r) => r.region))).toEqual(new Set(["eu-west-1"]));
  const [kafka] = of(plain, "eu-west-1", "Kafka");
  expect(kafka.spec.kafka.listeners.map((l: any) => l.name)).toEqual(["tls"]);
});
