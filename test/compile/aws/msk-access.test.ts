// biome-ignore-all lint/suspicious/noExplicitAny: policies are read back as untyped JSON
import { describe, expect, it } from "vitest";
import { compilePlan } from "../../../src/compile/index.js";
import { euSpec, modelOf } from "./helpers.js";

/** The MSK statements of one service's role policy. */
function kafkaStatements(service: string, streamOverrides: object = {}) {
  const spec = euSpec() as any;
  spec.streams.events = { ...spec.streams.events, ...streamOverrides };
  const policy = compilePlan(modelOf(spec)).resources.find((r) => r.name === `${service}-aws-policy`);
  if (policy === undefined) throw new Error(`no ${service}-aws-policy`);
  return (
    (policy.inputs as any).policy.value.Statement as { Action: string[]; Resource: unknown[] }[]
  ).filter((s) => s.Action.some((a) => a.startsWith("kafka-cluster:")));
}
const actions = (statements: { Action: string[] }[]) => statements.flatMap((s) => s.Action).sort();
/** `arn:aws:kafka:<region>:<account>:<kind>/<cluster>/*` as the concat parts' literal text. */
const kinds = (statements: { Resource: unknown[] }[]) =>
  statements
    .flatMap((s) => s.Resource)
    .flatMap((r: any) => (r?.$runtime === "concat" ? [r.parts[2]] : []))
    .sort();

describe("MSK IAM access is split by role", () => {
  it("a producer may write, idempotently (the Kafka ≥ 3.0 default), and neither read nor touch groups", () => {
    const producer = kafkaStatements("api");
    expect(actions(producer)).toEqual([
      "kafka-cluster:Connect",
      "kafka-cluster:DescribeCluster",
      "kafka-cluster:DescribeTopic",
      "kafka-cluster:WriteData",
      "kafka-cluster:WriteDataIdempotently",
    ]);
    expect(kinds(producer)).toEqual([":topic/", ":topic/"]);
  });

  it("covers the mirror region's cluster too, where callers fail over", () => {
    const clusterRegions = (statements: { Resource: unknown[] }[]) =>
      [
        ...new Set(
          statements
            .flatMap((s) => s.Resource)
            .flatMap((r: any) => (r?.$runtime === "concat" ? [r.parts[0]] : [])),
        ),
      ].sort();
    expect(clusterRegions(kafkaStatements("worker"))).toEqual([
      "arn:aws:kafka:eu-central-1:",
      "arn:aws:kafka:eu-west-1:",
    ]);
    expect(clusterRegions(kafkaStatements("worker", { mirrorRegions: ["eu-north-1"] }))).toEqual([
      "arn:aws:kafka:eu-central-1:",
      "arn:aws:kafka:eu-north-1:",
      "arn:aws:kafka:eu-west-1:",
    ]);
  });

  it("a consumer may read and manage its group, and not write", () => {
    const consumer = kafkaStatements("worker");
    expect(actions(consumer)).toEqual([
      "kafka-cluster:AlterGroup",
      "kafka-cluster:Connect",
      "kafka-cluster:DescribeCluster",
      "kafka-cluster:DescribeGroup",
      "kafka-cluster:DescribeTopic",
      "kafka-cluster:ReadData",
    ]);
    expect(kinds(consumer)).toEqual([":group/", ":group/", ":topic/", ":topic/"]);
  });

  it("with transactions, producers may use transactional ids under each cluster, consumers not", () => {
    const producer = kafkaStatements("api", { transactions: true });
    const transact = producer.find((s) => s.Action.includes("kafka-cluster:AlterTransactionalId"));
    expect(transact?.Action).toEqual([
      "kafka-cluster:AlterTransactionalId",
      "kafka-cluster:DescribeTransactionalId",
    ]);
    expect(transact?.Resource).toEqual(
      ["eu-central-1", "eu-west-1"].map((region) => ({
        $runtime: "concat",
        parts: [
          `arn:aws:kafka:${region}:`,
          { $runtime: "awsAccountId" },
          ":transactional-id/",
          { $ref: `events-msk-cluster-${region}`, property: "clusterName" },
          "/*",
        ],
      })),
    );
    expect(actions(kafkaStatements("worker", { transactions: true }))).not.toContain(
      "kafka-cluster:AlterTransactionalId",
    );
    expect(actions(kafkaStatements("api", { delivery: "exactly-once" }))).toContain(
      "kafka-cluster:AlterTransactionalId",
    );
  });
});
