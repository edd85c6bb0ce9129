import { isReadOp } from "../../model/call-ops.js";
import { endpointEnv } from "../../model/endpoint-env.js";
import { servedByLeader } from "../../model/placement.js";
import type { Model, ResolvedComponent, ResolvedDatastore, ResolvedService } from "../../model/types.js";
import { AURORA_PORT } from "./aurora.js";
import { mskStatements, rolesOf } from "./msk-access.js";
import { logicalName } from "./names.js";
import { leaderOf, regionFor } from "./reach.js";
import { awsAccountId, concat, out } from "./typed.js";

/**
 * What a calling service needs from each AWS service: IAM statements (data-plane actions only,
 * on this component's resources) and the environment variables that tell it where to connect.
 * One row per service, like BACKENDS in index.ts.
 */
interface Access {
  /**
   * For `caller` when given — what its calls' `op`s need (reads, writes; MSK's producers and
   * consumers) — else for any caller.
   */
  statements(component: ResolvedComponent, caller?: ResolvedService): object[];
  /**
   * Variables for a pod of `caller` (any caller when undefined) in `region`: the copy there, else
   * the nearest (reach.ts `regionFor`).
   */
  env(
    model: Model,
    component: ResolvedComponent,
    region: string,
    caller?: ResolvedService,
  ): Record<string, unknown>;
}

const keyArn = (c: ResolvedComponent, region: string) => out(logicalName(c.name, "kms-key", region), "arn");
const keysOf = (c: ResolvedComponent) => c.regions.map((r) => keyArn(c, r));

const KMS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"];

/**
 * Whether `caller` reads and writes `component`, by its calls' `op` (a datastore call is a read
 * unless it says otherwise: model/resolve.ts); both for any caller (undefined).
 */
function uses(
  component: ResolvedComponent,
  caller: ResolvedService | undefined,
): { reads: boolean; writes: boolean } {
  if (caller === undefined) return { reads: true, writes: true };
  const ops = caller.calls.filter((call) => call.to === component.name).map((call) => call.op);
  return {
    reads: ops.some(isReadOp),
    writes: ops.some((op) => !isReadOp(op)),
  };
}

/** DynamoDB data-plane actions (IAM service authorization reference, "Amazon DynamoDB"), by what they do. */
const DYNAMODB_READ = [
  "dynamodb:BatchGetItem",
  "dynamodb:GetItem",
  "dynamodb:Query",
  "dynamodb:TransactGetItems",
];
const DYNAMODB_WRITE = [
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
  "dynamodb:DeleteItem",
  "dynamodb:PutItem",
  "dynamodb:TransactWriteItems",
  "dynamodb:UpdateItem",
];

const bucketArn = (c: ResolvedComponent, region: string) => out(logicalName(c.name, "bucket", region), "arn");

/**
 * S3 callers: readers get every copy (they read the nearest), writers only the leader's bucket,
 * the replication source: an object put into a destination bucket is never replicated (S3 user
 * guide, "Replicating objects": one-way, source to destination), so a write there is refused
 * rather than lost to the other regions. SSE-KMS with the bucket's key: GetObject needs
 * kms:Decrypt, PutObject kms:GenerateDataKey, and a multipart upload kms:Decrypt as well (S3 user
 * guide, "Using server-side encryption with AWS KMS keys"; AWS knowledge center, "multipart
 * uploads with SSE-KMS").
 */
function s3Statements(c: ResolvedComponent, caller: ResolvedService | undefined): object[] {
  const { reads, writes } = uses(c, caller);
  const leader = leaderOf(c, c.regions[0]!);
  const statements: object[] = [];
  const listed = reads ? c.regions : writes ? [leader] : [];
  if (listed.length > 0)
    statements.push({
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: listed.map((r) => bucketArn(c, r)),
    });
  if (reads)
    statements.push(
      {
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: c.regions.map((r) => concat(bucketArn(c, r), "/*")),
      },
      { Effect: "Allow", Action: ["kms:Decrypt"], Resource: keysOf(c) },
    );
  if (writes)
    statements.push(
      {
        Effect: "Allow",
        Action: ["s3:DeleteObject", "s3:PutObject"],
        Resource: [concat(bucketArn(c, leader), "/*")],
      },
      { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [keyArn(c, leader)] },
    );
  return statements;
}

const ACCESS: Readonly<Record<"dynamodb" | "aurora-postgresql" | "s3" | "msk", Access>> = {
  dynamodb: {
    // Every replica of a global table takes writes: reads and writes anywhere, as the calls need.
    statements: (c, caller) => {
      const { reads, writes } = uses(c, caller);
      return [
        {
          Effect: "Allow",
          Action: [...(reads ? DYNAMODB_READ : []), ...(writes ? DYNAMODB_WRITE : [])].sort(),
          // A global table has one name in every replica region.
          Resource: [
            concat(
              "arn:aws:dynamodb:*:",
              awsAccountId(),
              ":table/",
              out(logicalName(c.name, "table"), "name"),
            ),
          ],
        },
        { Effect: "Allow", Action: KMS, Resource: keysOf(c) },
      ];
    },
    // `_REGION` is the replica to read (for a caller that only writes, to write), `_WRITE_REGION`
    // the nearest that takes writes (a `leaders` subset: the others are declared read-only).
    env: (model, c, region, caller) => {
      const { reads, writes } = uses(c, caller);
      const write = regionFor(model, c, region, "write");
      return {
        [endpointEnv(c.name, "dynamodb", "TABLE")]: out(logicalName(c.name, "table"), "name"),
        [endpointEnv(c.name, "dynamodb", "REGION")]: reads ? regionFor(model, c, region, "read") : write,
        ...(writes ? { [endpointEnv(c.name, "dynamodb", "WRITE_REGION")]: write } : {}),
      };
    },
  },
  "aurora-postgresql": {
    // IAM database authentication (the clusters enable it): the database user of the same name
    // as the service must exist with the rds_iam role (Aurora user guide, "IAM database authentication").
    // That user only: `/*` would let any caller sign in as every rds_iam user of the cluster.
    statements: (c, caller) => [
      {
        Effect: "Allow",
        Action: ["rds-db:connect"],
        Resource: c.regions.map((r) =>
          concat(
            `arn:aws:rds-db:${r}:`,
            awsAccountId(),
            ":dbuser:",
            out(logicalName(c.name, "cluster", r), "clusterResourceId"),
            `/${caller?.name ?? "*"}`,
          ),
        ),
      },
    ],
    // Strong reads go to the primary instance (its replicas lag behind it), so `_READER` is then
    // the leader's writer endpoint; other reads the reader endpoint of the nearest copy.
    env: (model, c, region) => {
      const writer = out(logicalName(c.name, "cluster", regionFor(model, c, region, "write")), "endpoint");
      const read = regionFor(model, c, region, "read");
      return {
        [endpointEnv(c.name, "aurora-postgresql", "WRITER")]: writer,
        [endpointEnv(c.name, "aurora-postgresql", "READER")]: servedByLeader(c as ResolvedDatastore, "read")
          ? writer
          : out(logicalName(c.name, "cluster", read), "readerEndpoint"),
        [endpointEnv(c.name, "aurora-postgresql", "PORT")]: String(AURORA_PORT),
      };
    },
  },
  s3: {
    statements: s3Statements,
    // A writer gets the leader's bucket as `_WRITE_BUCKET`, the only one whose objects replicate;
    // `_BUCKET` is the copy to read (reach.ts: the nearest, the leader's for strong reads), or
    // for a caller that only writes the leader's too (the one bucket it may use).
    env: (model, c, region, caller) => {
      const leader = regionFor(model, c, region, "write");
      const { reads, writes } = uses(c, caller);
      const bucket = reads ? regionFor(model, c, region, "read") : leader;
      return {
        [endpointEnv(c.name, "s3", "BUCKET")]: out(logicalName(c.name, "bucket", bucket), "bucket"),
        [endpointEnv(c.name, "s3", "REGION")]: bucket,
        ...(writes
          ? {
              [endpointEnv(c.name, "s3", "WRITE_BUCKET")]: out(
                logicalName(c.name, "bucket", leader),
                "bucket",
              ),
              [endpointEnv(c.name, "s3", "WRITE_REGION")]: leader,
            }
          : {}),
      };
    },
  },
  msk: {
    statements: mskStatements,
    // `_BOOTSTRAP` is the cluster to consume from (in a mirror region, the mirror's), or for a
    // caller that only produces the one to produce to; a producer gets that as `_PRODUCE_BOOTSTRAP`
    // too: a mirror takes no produces (what is written there reaches no other region).
    env: (model, c, region, caller) => {
      const roles = rolesOf(c, caller);
      const bootstrap = (op: "read" | "write") =>
        out(logicalName(c.name, "msk-cluster", regionFor(model, c, region, op)), "bootstrapBrokersSaslIam");
      return {
        [endpointEnv(c.name, "msk", "BOOTSTRAP")]: bootstrap(roles.includes("consume") ? "read" : "write"),
        ...(roles.includes("produce")
          ? { [endpointEnv(c.name, "msk", "PRODUCE_BOOTSTRAP")]: bootstrap("write") }
          : {}),
      };
    },
  },
};

/** Access for a component by its AWS service; components of other targets have none. */
export const AWS_ENDPOINTS = {
  statements(component: ResolvedComponent, caller?: ResolvedService): object[] {
    return component.deploy.target === "aws"
      ? ACCESS[component.deploy.service].statements(component, caller)
      : [];
  },
  env(
    model: Model,
    component: ResolvedComponent,
    region: string,
    caller?: ResolvedService,
  ): Record<string, unknown> {
    return component.deploy.target === "aws"
      ? ACCESS[component.deploy.service].env(model, component, region, caller)
      : {};
  },
};
