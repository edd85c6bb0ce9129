import type { Analysis } from "../../analysis/types.js";
import { type Diagnostic, inputProblem } from "../../diagnostics/diagnostic.js";
import type { Model, ResolvedDatastore, ResolvedStream } from "../../model/types.js";
import { type ResourcePlan, sortResources } from "../plan.js";
import { type ComponentScope, EVERY_COMPONENT } from "../scope.js";
import { alarmRegions } from "./alarm-topic.js";
import { compileAurora } from "./aurora.js";
import { AwsContext } from "./context.js";
import { compileDynamoDb } from "./dynamodb.js";
import { compileMsk } from "./msk.js";
import { compileMskReplicators } from "./msk-replicator.js";
import type { AwsCompileOptions } from "./options.js";
import { compileNetworkPaths } from "./paths.js";
import { type DataTarget, residencyProblems, throwIfAny } from "./residency.js";
import { compileS3 } from "./s3.js";

export type { AwsCompileOptions, AwsRegionCallers, AwsRegionNetwork } from "./options.js";
export { AWS_TOKENS, type AwsToken } from "./typed.js";

type AwsService = "dynamodb" | "aurora-postgresql" | "msk" | "s3";

interface DatastoreBackend {
  readonly kind: "datastores";
  readonly compile: (ctx: AwsContext, store: ResolvedDatastore) => void;
  /** What a copy of the data in the leader / another region is called, for residency messages. */
  readonly home: string;
  readonly copy: string;
}
interface StreamBackend {
  readonly kind: "streams";
  readonly compile: (ctx: AwsContext, stream: ResolvedStream) => void;
}

/** One entry per managed service: a new service cannot fall through a switch unnoticed. */
const BACKENDS: Readonly<Record<AwsService, DatastoreBackend | StreamBackend>> = {
  dynamodb: { kind: "datastores", compile: compileDynamoDb, home: "table", copy: "global-table replica" },
  "aurora-postgresql": {
    kind: "datastores",
    compile: compileAurora,
    home: "primary cluster",
    copy: "secondary cluster",
  },
  s3: {
    kind: "datastores",
    compile: compileS3,
    home: "source bucket",
    copy: "replication destination bucket",
  },
  msk: {
    kind: "streams",
    compile: (ctx, stream) => {
      compileMsk(ctx, stream);
      compileMskReplicators(ctx, stream);
    },
  },
};

/**
 * Compiles the AWS-managed components of a model (`deploy.target: "aws"`) into a ResourcePlan:
 * DynamoDB global tables, Aurora global databases, MSK clusters and replicated S3 buckets, with
 * KMS keys, networking, CloudWatch alarms and dashboards; one AWS provider per region
 * (`PlannedResource.region`). Pure and deterministic.
 *
 * Throws an InputError, listing every problem, when a replica, secondary cluster, replication
 * destination or backup would land outside a component's residency (the `residency` policy rule
 * normally rejects such a spec first), or when the options are unusable.
 *
 * @param analysis accepted for the shared target signature; the aws target does not need it.
 */
export function compileAws(
  model: Model,
  _analysis?: Analysis,
  options: AwsCompileOptions = {},
  scope: ComponentScope = EVERY_COMPONENT,
): ResourcePlan {
  const problems: Diagnostic[] = [];
  const work: (() => void)[] = [];
  const ctx = new AwsContext(model, options, scope);

  for (const store of model.datastores) {
    if (store.deploy.target !== "aws") continue;
    const backend = BACKENDS[store.deploy.service];
    if (backend.kind !== "datastores") {
      problems.push(unsupported(store.path, store.deploy.service, "datastores"));
      continue;
    }
    problems.push(...residencyProblems(model, store, datastoreTargets(store, backend)));
    work.push(() => backend.compile(ctx, store));
  }
  for (const stream of model.streams) {
    if (stream.deploy.target !== "aws") continue;
    const backend = BACKENDS[stream.deploy.service];
    if (backend.kind !== "streams") {
      problems.push(unsupported(stream.path, stream.deploy.service, "streams"));
      continue;
    }
    problems.push(...residencyProblems(model, stream, streamTargets(stream)));
    work.push(() => backend.compile(ctx, stream));
  }
  // Nothing is compiled for a model with a residency problem anywhere.
  throwIfAny(problems);
  for (const step of work) step();
  // In every AWS region, alarmed there or not, so that topics do not follow roles (alarm-topic.ts).
  for (const region of alarmRegions(model)) ctx.alarmActions(region);
  compileNetworkPaths(ctx);
  const resources = ctx.finish();
  throwIfAny(ctx.problems);
  return { topology: model.name, resources: sortResources(resources) };
}

function datastoreTargets(store: ResolvedDatastore, backend: DatastoreBackend): DataTarget[] {
  const placementPath = (region: string) =>
    store.autoPlaced ? `${store.path}.placement` : `${store.path}.placement["${region}"]`;
  return [
    ...store.regions.map((region) => ({
      region,
      path: placementPath(region),
      what: region === store.leader ? backend.home : backend.copy,
    })),
    ...store.backupRegions.map((region, i) => ({
      region,
      path: `${store.path}.backup.regions[${i}]`,
      what: "backup",
    })),
  ];
}

function streamTargets(stream: ResolvedStream): DataTarget[] {
  const declared = stream.regions;
  return [
    ...declared.map((region, i) => ({
      region,
      path: `${stream.path}.regions[${i}]`,
      what: "MSK cluster",
    })),
    ...stream.mirrorRegions.map((region, i) => ({
      region,
      path: `${stream.path}.mirrorRegions[${i}]`,
      what: "MSK mirror cluster",
    })),
  ];
}

function unsupported(path: string, service: string, kind: string): Diagnostic {
  return inputProblem(
    "aws/unsupported-service",
    `${path}.deploy.service`,
    `AWS service "${service}" cannot host ${kind}`,
    kind === "streams" ? 'use service: "msk"' : 'use "dynamodb", "aurora-postgresql" or "s3"',
  );
}

export { AWS_ENDPOINTS } from "./access.js";
