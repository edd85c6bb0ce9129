import { isReadOp } from "../../model/call-ops.js";
import { streamClusterRegions } from "../../model/msk-clusters.js";
import type { ResolvedComponent, ResolvedService, ResolvedStream } from "../../model/types.js";
import { logicalName } from "./names.js";
import { awsAccountId, concat, out } from "./typed.js";

/**
 * MSK IAM access control for one caller of a stream, split by role so a consumer cannot write and
 * a producer cannot read or move consumer-group offsets. Actions and resource ARNs: AWS Service
 * Authorization Reference, "Actions, resources, and condition keys for Apache Kafka APIs for
 * Amazon MSK clusters"; MSK developer guide, "Semantics of IAM authorization policy actions".
 */
const BASE = ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster", "kafka-cluster:DescribeTopic"];
/** Kafka clients ≥ 3.0 enable idempotence by default (KIP-679), which MSK checks as WriteDataIdempotently. */
const PRODUCE = ["kafka-cluster:WriteData", "kafka-cluster:WriteDataIdempotently"];
const TRANSACT = ["kafka-cluster:AlterTransactionalId", "kafka-cluster:DescribeTransactionalId"];
const CONSUME = ["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup", "kafka-cluster:ReadData"];

type Role = "produce" | "consume";

/** What `caller` does with `stream`: as listed in producers/consumers, or by its calls' `op`. */
export function rolesOf(stream: ResolvedComponent, caller: ResolvedService | undefined): Role[] {
  if (stream.kind !== "stream") return [];
  if (caller === undefined) return ["produce", "consume"];
  const ops = caller.calls.filter((call) => call.to === stream.name).map((call) => call.op);
  const roles: Role[] = [];
  if (stream.producers.includes(caller.name) || ops.some((op) => !isReadOp(op))) roles.push("produce");
  if (stream.consumers.includes(caller.name) || ops.some(isReadOp)) roles.push("consume");
  return roles;
}

/**
 * `arn:aws:kafka:<region>:<account>:<kind>/<cluster-name>/*`: the cluster's uuid and every name, in
 * every region with a cluster of the stream — its mirror regions' too, where callers fail over.
 */
const arnsUnder = (stream: ResolvedStream, kind: string) =>
  streamClusterRegions(stream).map((r) =>
    concat(
      `arn:aws:kafka:${r}:`,
      awsAccountId(),
      `:${kind}/`,
      out(logicalName(stream.name, "msk-cluster", r), "clusterName"),
      "/*",
    ),
  );

/** IAM statements for `caller` (both roles when undefined) on a stream's MSK clusters. */
export function mskStatements(stream: ResolvedComponent, caller?: ResolvedService): object[] {
  const roles = rolesOf(stream, caller);
  if (stream.kind !== "stream" || roles.length === 0) return [];
  const clusters = streamClusterRegions(stream).map((r) =>
    out(logicalName(stream.name, "msk-cluster", r), "arn"),
  );
  // exactly-once delivery is implemented with transactions, as the analysis assumes (streams.ts).
  const transactional = stream.transactions || stream.delivery === "exactly-once";
  const statements: object[] = [];
  if (roles.includes("produce")) {
    statements.push({
      Effect: "Allow",
      Action: [...BASE, ...PRODUCE],
      Resource: [...clusters, ...arnsUnder(stream, "topic")],
    });
    if (transactional) {
      statements.push({ Effect: "Allow", Action: TRANSACT, Resource: arnsUnder(stream, "transactional-id") });
    }
  }
  if (roles.includes("consume")) {
    statements.push({
      Effect: "Allow",
      Action: [...BASE, ...CONSUME],
      Resource: [...clusters, ...arnsUnder(stream, "topic"), ...arnsUnder(stream, "group")],
    });
  }
  return statements;
}
