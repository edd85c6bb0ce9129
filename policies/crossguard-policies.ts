/**
 * CrossGuard policies: the topoplan rules on the stack's topology (validateStack), and guards on the
 * compiled resources (validateResource). Unit-tested by calling the validations directly
 * (test/policies/crossguard.test.ts); crossguard.ts wraps them in the PolicyPack.
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type {
  Policies,
  PolicyResource,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
// The pack's only dependency on topoplan is its public API, so the pack is publishable on its own
// (policies/package.json); in this repository "topoplan/api" maps to src/ (tsconfig paths,
// vitest alias) and, at run time, to the built package (self-reference).
import {
  analyse,
  compareDiagnostics,
  type Diagnostic,
  InputError,
  loadTopology,
  runPolicies,
} from "topoplan/api";

/** The stack output the topoplan Pulumi program exports: the spec path relative to the project root. */
export const TOPOLOGY_OUTPUT = "topoplanTopology";
const STACK_TYPE = "pulumi:pulumi:Stack";
/**
 * Where the topology path of the stack output is relative to: the directory `pulumi` was run in
 * (PWD, which the CLI passes to the analyzer), else the process's, else the pack's parent folder
 * (the pack inside a project, `--policy-pack policies`).
 */
const PROJECT_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export function projectRootFor(specPath: string): string {
  const candidates = [process.env.PWD, process.cwd(), PROJECT_ROOT].filter(
    (c): c is string => c !== undefined,
  );
  return candidates.find((c) => existsSync(resolve(c, specPath))) ?? PROJECT_ROOT;
}

function topologyPath(resources: readonly PolicyResource[]): { path: string; urn: string } | undefined {
  const stack = resources.find((r) => r.type === STACK_TYPE);
  const value = stack?.props?.[TOPOLOGY_OUTPUT];
  return stack && typeof value === "string" && value !== "" ? { path: value, urn: stack.urn } : undefined;
}

const line = (d: Diagnostic) =>
  `[${d.code}] ${d.path}: ${d.status === "unknown" ? "could not decide: " : ""}${d.message}${d.fix ? ` — fix: ${d.fix}` : ""}`;

/** One check per spec path and process: both stack policies share it. */
const checks = new Map<string, Promise<readonly Diagnostic[]>>();

async function findingsFor(specPath: string, root: string | undefined): Promise<readonly Diagnostic[]> {
  const file = isAbsolute(specPath) ? specPath : resolve(root ?? projectRootFor(specPath), specPath);
  let pending = checks.get(file);
  if (pending === undefined) {
    pending = (async () => {
      try {
        const loaded = await loadTopology(file);
        return [...loaded.warnings, ...runPolicies(loaded.model, analyse(loaded.model)).findings].sort(
          compareDiagnostics,
        );
      } catch (error) {
        if (error instanceof InputError) return error.diagnostics;
        throw error;
      }
    })();
    checks.set(file, pending);
  }
  return pending;
}

/** A stack policy reporting the topoplan findings that `select` picks. */
function topologyPolicy(
  name: string,
  description: string,
  enforcementLevel: "mandatory" | "advisory",
  select: (d: Diagnostic) => boolean,
  options: { reportMissing: boolean; root: string | undefined },
): StackValidationPolicy {
  return {
    name,
    description,
    enforcementLevel,
    validateStack: async (args: StackValidationArgs, reportViolation: ReportViolation) => {
      const topology = topologyPath(args.resources);
      if (topology === undefined) {
        if (options.reportMissing)
          reportViolation(
            `the stack has no "${TOPOLOGY_OUTPUT}" output naming its topology spec, so the topoplan rules cannot run; export it from the Pulumi program (the topoplan program does)`,
          );
        return;
      }
      for (const finding of await findingsFor(topology.path, options.root))
        if (select(finding)) reportViolation(`${topology.path}: ${line(finding)}`, topology.urn);
    },
  };
}

const isError = (d: Diagnostic) => d.severity === "error" && (d.status ?? "fail") === "fail";

/** Types that hold data: they must be protected so no edit can delete them as a side effect. */
export const STATEFUL_TYPES: readonly string[] = [
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:core/v1:PersistentVolumeClaim",
  "aws:dynamodb/table:Table",
  "aws:rds/cluster:Cluster",
  "aws:rds/globalCluster:GlobalCluster",
  "aws:msk/cluster:Cluster",
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
];

export const statefulProtected: ResourceValidationPolicy = {
  name: "topoplan-stateful-protected",
  description:
    "Stateful resources (StatefulSets, DynamoDB tables, Aurora clusters, MSK clusters, buckets) are protected.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!STATEFUL_TYPES.includes(args.type) || args.opts.protect) return;
    reportViolation(
      `${args.name} (${args.type}) holds data but is not protected: a rename or a removed component would delete it; set protect: true`,
    );
  },
};

type Props = Record<string, unknown>;
const obj = (value: unknown): Props | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Props) : undefined;

export const storageEncrypted: ResourceValidationPolicy = {
  name: "topoplan-storage-encrypted",
  description:
    "DynamoDB tables, Aurora/RDS clusters and MSK clusters are encrypted (at rest, and in transit for MSK).",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const props = args.props as Props;
    if (args.type === "aws:dynamodb/table:Table" && obj(props.serverSideEncryption)?.enabled !== true)
      reportViolation(
        `${args.name}: DynamoDB table without serverSideEncryption { enabled: true } (a customer-managed KMS key)`,
      );
    if (args.type === "aws:rds/cluster:Cluster" && props.storageEncrypted !== true)
      reportViolation(`${args.name}: RDS cluster with storageEncrypted not set to true`);
    if (args.type === "aws:msk/cluster:Cluster") {
      const transit = obj(obj(props.encryptionInfo)?.encryptionInTransit);
      if (transit?.clientBroker === "PLAINTEXT" || transit?.inCluster === false)
        reportViolation(
          `${args.name}: MSK cluster allows plaintext traffic (encryptionInTransit ${JSON.stringify(transit)})`,
        );
    }
  },
};

/** The pod spec of a workload: Pod → spec; CronJob → spec.jobTemplate.spec.template.spec; others → spec.template.spec. */
function podSpecOf(type: string, props: Props): Props | undefined {
  const spec = obj(props.spec);
  if (type === "kubernetes:core/v1:Pod") return spec;
  if (type === "kubernetes:batch/v1:CronJob")
    return obj(obj(obj(obj(spec?.jobTemplate)?.spec)?.template)?.spec);
  return obj(obj(spec?.template)?.spec);
}

const WORKLOADS = new Set([
  "kubernetes:core/v1:Pod",
  "kubernetes:apps/v1:Deployment",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:DaemonSet",
  "kubernetes:apps/v1:ReplicaSet",
  "kubernetes:batch/v1:Job",
  "kubernetes:batch/v1:CronJob",
]);

export const podsNotRoot: ResourceValidationPolicy = {
  name: "topoplan-pods-not-root",
  description: "Kubernetes workloads run as non-root, unprivileged containers.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!WORKLOADS.has(args.type)) return;
    const pod = podSpecOf(args.type, args.props as Props);
    if (pod === undefined) return;
    const podContext = obj(pod.securityContext) ?? {};
    const containers = [
      ...((pod.initContainers as unknown[] | undefined) ?? []),
      ...((pod.containers as unknown[] | undefined) ?? []),
    ].map((c) => obj(c) ?? {});
    for (const container of containers) {
      const context = obj(container.securityContext) ?? {};
      const name = String(container.name ?? "(unnamed)");
      const nonRoot = context.runAsNonRoot ?? podContext.runAsNonRoot;
      const user = context.runAsUser ?? podContext.runAsUser;
      if (context.privileged === true)
        reportViolation(`${args.name}: container "${name}" is privileged; drop privileged: true`);
      if (user === 0)
        reportViolation(
          `${args.name}: container "${name}" runs as UID 0 (root); set runAsUser to a non-zero UID`,
        );
      else if (nonRoot !== true)
        reportViolation(
          `${args.name}: container "${name}" may run as root: set securityContext.runAsNonRoot: true (pod or container)`,
        );
    }
  },
};

/**
 * Every policy of the pack; `root` is the project root specs are relative to (tests point it
 * elsewhere). @default {@link projectRootFor} the spec
 */
export function crossguardPolicies(root?: string): Policies {
  return [
    topologyPolicy(
      "topoplan-rules",
      "The topoplan rules (RULES.md) find no error-level problem in the stack's topology.",
      "mandatory",
      isError,
      { reportMissing: false, root },
    ),
    topologyPolicy(
      "topoplan-advisories",
      "Warnings, infos and undecided checks of the topoplan rules, and a stack without its topology output.",
      "advisory",
      (d) => !isError(d),
      { reportMissing: true, root },
    ),
    statefulProtected,
    storageEncrypted,
    podsNotRoot,
  ];
}

export const policies: Policies = crossguardPolicies();
