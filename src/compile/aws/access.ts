import type { ResolvedComponent, ResolvedService } from "../../model/types.js";
import { AURORA_PORT } from "./aurora.js";
import { mskStatements } from "./msk-access.js";
import { logicalName } from "./names.js";
import { regionFor } from "./reach.js";
import { awsAccountId, concat, out } from "./typed.js";

/**
 * What a calling service needs from each AWS service: IAM statements (data-plane actions only,
 * on this component's resources) and the environment variables that tell it where to connect.
 * One row per service, like BACKENDS in index.ts.
 */
interface Access {
  /** For `caller` when given (MSK grants producers and consumers different actions), else for any caller. */
  statements(component: ResolvedComponent, caller?: ResolvedService): object[];
  /** Variables for a pod in `region`: the copy there, else the home region's. */
  env(component: ResolvedComponent, region: string): Record<string, unknown>;
}

const prefix = (component: string) => `TOPOPLAN_${component.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;

const keysOf = (component: ResolvedComponent) =>
  component.regions.map((r) => out(logicalName(component.name, "kms-key", r), "arn"));

const KMS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"];

const ACCESS: Readonly<Record<"dynamodb" | "aurora-postgresql" | "s3" | "msk", Access>> = {
  dynamodb: {
    statements: (c) => [
      {
        Effect: "Allow",
        Action: [
          "dynamodb:BatchGetItem",
          "dynamodb:BatchWriteItem",
          "dynamodb:ConditionCheckItem",
          "dynamodb:DeleteItem",
          "dynamodb:GetItem",
          "dynamodb:PutItem",
          "dynamodb:Query",
          "dynamodb:TransactGetItems",
          "dynamodb:TransactWriteItems",
          "dynamodb:UpdateItem",
        ],
        // A global table has one name in every replica region.
        Resource: [
          concat("arn:aws:dynamodb:*:", awsAccountId(), ":table/", out(logicalName(c.name, "table"), "name")),
        ],
      },
      { Effect: "Allow", Action: KMS, Resource: keysOf(c) },
    ],
    env: (c, region) => ({
      [`${prefix(c.name)}_TABLE`]: out(logicalName(c.name, "table"), "name"),
      [`${prefix(c.name)}_REGION`]: regionFor(c, region),
    }),
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
    env: (c, region) => {
      const local = regionFor(c, region);
      const leader = "leader" in c && typeof c.leader === "string" ? c.leader : local;
      return {
        [`${prefix(c.name)}_WRITER`]: out(logicalName(c.name, "cluster", leader), "endpoint"),
        [`${prefix(c.name)}_READER`]: out(logicalName(c.name, "cluster", local), "readerEndpoint"),
        [`${prefix(c.name)}_PORT`]: String(AURORA_PORT),
      };
    },
  },
  s3: {
    statements: (c) => [
      {
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: c.regions.map((r) => out(logicalName(c.name, "bucket", r), "arn")),
      },
      {
        Effect: "Allow",
        Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
        Resource: c.regions.map((r) => concat(out(logicalName(c.name, "bucket", r), "arn"), "/*")),
      },
      { Effect: "Allow", Action: KMS, Resource: keysOf(c) },
    ],
    env: (c, region) => ({
      [`${prefix(c.name)}_BUCKET`]: out(logicalName(c.name, "bucket", regionFor(c, region)), "bucket"),
      [`${prefix(c.name)}_REGION`]: regionFor(c, region),
    }),
  },
  msk: {
    statements: mskStatements,
    env: (c, region) => ({
      [`${prefix(c.name)}_BOOTSTRAP`]: out(
        logicalName(c.name, "msk-cluster", regionFor(c, region)),
        "bootstrapBrokersSaslIam",
      ),
    }),
  },
};

/** Access for a component by its AWS service; components of other targets have none. */
export const AWS_ENDPOINTS = {
  statements(component: ResolvedComponent, caller?: ResolvedService): object[] {
    return component.deploy.target === "aws"
      ? ACCESS[component.deploy.service].statements(component, caller)
      : [];
  },
  env(component: ResolvedComponent, region: string): Record<string, unknown> {
    return component.deploy.target === "aws" ? ACCESS[component.deploy.service].env(component, region) : {};
  },
};
