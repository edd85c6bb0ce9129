/**
 * The stack's `topoplan:*` settings, their schema and the compile options they give: without
 * `@pulumi/pulumi`, so that `topoplan diff --stack-config` reads a stack file as the program
 * does (src/pulumi/stack-file.ts) and the CLI loads no Pulumi runtime.
 */
import { z } from "zod";
import type { AwsCompileOptions } from "../compile/aws/options.js";
import type { CompileOptions } from "../compile/index.js";
import { DEFAULT_INGRESS_NAMESPACE } from "../compile/kubernetes/constants.js";
import { type Diagnostic, InputError, type Severity } from "../diagnostics/diagnostic.js";
import { diagnosticsFromZod } from "../spec/issues.js";
import type { AwsAccountSettings, ClusterSettings } from "./providers.js";

/**
 * The stack's `topoplan:*` settings (stacks/Pulumi.<stack>.yaml; declared with descriptions in
 * Pulumi.yaml). Project defaults in Pulumi.yaml are applied by the CLI but not under mocks, so the
 * defaults are repeated here.
 */
export interface StackSettings {
  /** Topology spec (.ts/.yaml/.json), relative to the project root. */
  readonly topology: string;
  /** Lowest finding severity that stops the program before anything is registered. @default "error" */
  readonly failOn: Severity;
  /** Per-region Kubernetes cluster settings. @default {} */
  readonly clusters: Readonly<Record<string, ClusterSettings>>;
  /** Per-region AWS credential settings. @default {} */
  readonly awsAccounts: Readonly<Record<string, AwsAccountSettings>>;
  /** Per-region existing VPC/subnets and caller CIDRs for the AWS target. @default {} (topoplan creates VPCs) */
  readonly network: NonNullable<AwsCompileOptions["awsNetwork"]>;
  /** Per-region existing SNS topics for alarms. @default {} (topoplan creates one per region) */
  readonly alarmTopicArns: Readonly<Record<string, string>>;
  /** Per-region pod/node CIDRs: NetworkPolicies and chaos region splits use them. @default {} */
  readonly regionCidrs: Readonly<Record<string, readonly string[]>>;
  /** Install the cluster add-ons the plan needs as pinned Helm releases. @default false (check only) */
  readonly installAddons: boolean;
  /**
   * Namespace of the ingress gateway that entry services (and those external systems call) admit.
   * Istio's Helm guide installs the gateway in `istio-ingress`. @default "istio-system"
   */
  readonly ingressNamespace: string;
  /** Istio data plane: sidecar injection (ambient mode is refused, see SettingsSchema). @default "sidecar" */
  readonly meshMode: "sidecar";
  /**
   * `required`: pods must land in their placement's zones (`topology.kubernetes.io/zone`);
   * `preferred`: spread and zone affinity become preferences, for clusters whose nodes carry no
   * zone labels (kind, minikube) — never for production. @default "required"
   */
  readonly zoneLabels: "required" | "preferred";
  /**
   * Image of the rollout Jobs (kubectl and bash), for a registry mirror or a pinned digest.
   * @default ROLLOUT_IMAGE (src/compile/kubernetes/rollout.ts)
   */
  readonly rolloutImage?: string;
  /** Endpoints subscribed to the alarm topics topoplan creates. @default [] */
  readonly alarmSubscriptions: readonly AlarmSubscription[];
}

/** An SNS subscription of the alarm topics: `email` needs the recipient to confirm it. */
export interface AlarmSubscription {
  readonly protocol: "email" | "email-json" | "https" | "sqs" | "lambda";
  readonly endpoint: string;
}

export const CONFIG_NAMESPACE = "topoplan";

const nonEmpty = z.string().min(1);

const ClusterSchema = z.strictObject({
  context: nonEmpty.optional(),
  kubeconfig: nonEmpty.optional(),
  namespace: nonEmpty.optional(),
  clusterDomain: nonEmpty.optional(),
  eksClusterName: nonEmpty.optional(),
  oidcProviderArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/, "expected an IAM OIDC provider ARN")
    .optional(),
});

const AwsAccountSchema = z.strictObject({
  profile: nonEmpty.optional(),
  assumeRoleArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "expected an IAM role ARN")
    .optional(),
  allowedAccountIds: z.array(z.string().regex(/^\d{12}$/, "expected a 12-digit account id")).optional(),
});

const Cidr = z.string().regex(/^[0-9a-f.:]+\/\d{1,3}$/i, "expected a CIDR block such as 10.20.0.0/16");

const RouteTableId = z.string().regex(/^rtb-[0-9a-f]+$/, "expected a route table id such as rtb-0abc123");

const ClusterNetworkSchema = z.strictObject({
  vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, "expected a VPC id such as vpc-0abc123"),
  cidrBlocks: z.array(Cidr).min(1),
  routeTableIds: z.array(RouteTableId).min(1),
  subnetIds: z
    .array(z.string().regex(/^subnet-[0-9a-f]+$/, "expected a subnet id such as subnet-0abc123"))
    .min(1)
    .optional(),
  connect: z.enum(["peering", "transit-gateway"]).optional(),
});

const NetworkSchema = z.strictObject({
  vpcId: z
    .string()
    .regex(/^vpc-[0-9a-f]+$/, "expected a VPC id such as vpc-0abc123")
    .optional(),
  subnetIds: z
    .array(z.string().regex(/^subnet-[0-9a-f]+$/, "expected a subnet id such as subnet-0abc123"))
    .min(1)
    .optional(),
  callerCidrs: z.array(Cidr).min(1).optional(),
  cidrBlocks: z.array(Cidr).min(1).optional(),
  routeTableIds: z.array(RouteTableId).min(1).optional(),
  cluster: ClusterNetworkSchema.optional(),
});

const AlarmSubscriptionSchema = z.strictObject({
  protocol: z.enum(["email", "email-json", "https", "sqs", "lambda"]),
  endpoint: nonEmpty,
});

const SettingsSchema = z.strictObject({
  topology: nonEmpty,
  failOn: z.enum(["error", "warning", "info"]).default("error"),
  clusters: z.record(z.string(), ClusterSchema).default({}),
  awsAccounts: z.record(z.string(), AwsAccountSchema).default({}),
  network: z.record(z.string(), NetworkSchema).default({}),
  alarmTopicArns: z
    .record(z.string(), z.string().regex(/^arn:aws[a-z-]*:sns:/, "expected an SNS topic ARN"))
    .default({}),
  regionCidrs: z.record(z.string(), z.array(Cidr).min(1)).default({}),
  installAddons: z.boolean().default(false),
  ingressNamespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "expected a namespace name (a lowercase DNS label)")
    .default(DEFAULT_INGRESS_NAMESPACE),
  // "ambient" is read to be refused with its reason (parseStackSettings), not as an unknown word.
  meshMode: z.enum(["sidecar", "ambient"]).default("sidecar"),
  zoneLabels: z.enum(["required", "preferred"]).default("required"),
  rolloutImage: z
    .string()
    .regex(
      /^[a-zA-Z0-9][a-zA-Z0-9._/:@-]*$/,
      "expected an image reference, e.g. registry.example.com/tools/k8s:1.31.4",
    )
    .optional(),
  alarmSubscriptions: z.array(AlarmSubscriptionSchema).default([]),
});

const VOCABULARY = new Set([
  ...Object.keys(SettingsSchema.shape),
  ...Object.keys(ClusterSchema.shape),
  ...Object.keys(AwsAccountSchema.shape),
  ...Object.keys(NetworkSchema.shape),
  ...Object.keys(ClusterNetworkSchema.shape),
  ...Object.keys(AlarmSubscriptionSchema.shape),
]);

/** The `topoplan:*` keys the program reads (declared in Pulumi.yaml); structured ones arrive as JSON text. */
export const CONFIG_KEYS = {
  topology: "text",
  failOn: "text",
  clusters: "json",
  awsAccounts: "json",
  network: "json",
  alarmTopicArns: "json",
  regionCidrs: "json",
  installAddons: "json",
  ingressNamespace: "text",
  meshMode: "text",
  zoneLabels: "text",
  rolloutImage: "text",
  alarmSubscriptions: "json",
} as const;

/**
 * The raw settings from the `topoplan:*` values, as Pulumi hands them to a program: structured
 * keys (CONFIG_KEYS "json") arrive as JSON text (`pulumi config set topoplan:installAddons true`
 * stores the text `true`), text keys as text. `valueAt` gives a key's value, text or already
 * structured (a stack file's YAML map); a key it has no value for is left out.
 */
export function rawStackSettings(valueAt: (key: string) => unknown): {
  raw: Record<string, unknown>;
  problems: Diagnostic[];
} {
  const raw: Record<string, unknown> = {};
  const problems: Diagnostic[] = [];
  for (const [key, kind] of Object.entries(CONFIG_KEYS)) {
    const value = valueAt(key);
    if (value === undefined) continue;
    if (kind === "text" || typeof value !== "string") {
      raw[key] = kind === "text" && typeof value !== "string" ? String(value) : value;
      continue;
    }
    try {
      raw[key] = JSON.parse(value);
    } catch {
      problems.push({
        code: "config/invalid",
        severity: "error",
        path: `${CONFIG_NAMESPACE}:${key}`,
        message: `expected a structured value (YAML map), got ${JSON.stringify(value)}`,
        fix: `write it as a map in the stack file, or: pulumi config set --path '${CONFIG_NAMESPACE}:${key}.<region>.<field>' <value>`,
      });
    }
  }
  return { raw, problems };
}

/**
 * Validates raw settings (the values of `topoplan:*`, structured ones already parsed). Throws
 * InputError listing every problem, with paths like `topoplan:clusters.eu-west-1.contxt`.
 */
export function parseStackSettings(raw: Readonly<Record<string, unknown>>): StackSettings {
  const result = SettingsSchema.safeParse(raw);
  if (!result.success) {
    throw new InputError(
      diagnosticsFromZod(result.error, { all: VOCABULARY }).map((d) => ({
        ...d,
        code: "config/invalid",
        path: `${CONFIG_NAMESPACE}:${d.path}`,
      })),
    );
  }
  // Ambient mode is refused, not compiled half-way: its traffic reaches pods over HBONE (15008),
  // which the NetworkPolicies do not admit, and its L7 (the routes' timeouts and retries,
  // istio_requests_total for the SLO alerts) needs waypoint proxies topoplan does not plan.
  if (result.data.meshMode === "ambient")
    throw new InputError([
      {
        code: "config/invalid",
        severity: "error",
        path: `${CONFIG_NAMESPACE}:meshMode`,
        message:
          'only "sidecar" is supported: in ambient mode the NetworkPolicies would refuse the mesh\'s HBONE traffic (15008), and without waypoint proxies no route timeout, retry or request metric exists',
        fix: `pulumi config set ${CONFIG_NAMESPACE}:meshMode sidecar (docs/deploy.md, "The mesh")`,
      },
    ]);
  return result.data as StackSettings;
}

/**
 * What the stack's settings make of the compile: existing VPCs, alarm topics and subscriptions,
 * region CIDRs, zone labels, the ingress namespace, the rollout image, add-ons and the EKS
 * clusters pods get AWS access in. `stack` goes into AWS physical names.
 */
export function compileOptionsOf(settings: StackSettings, stack: string): CompileOptions {
  return {
    aws: {
      stack,
      awsNetwork: settings.network,
      alarmTopicArns: settings.alarmTopicArns,
      alarmSubscriptions: settings.alarmSubscriptions,
    },
    kubernetes: {
      regionCidrs: settings.regionCidrs,
      zoneLabels: settings.zoneLabels,
      ingressNamespace: settings.ingressNamespace,
      ...(settings.rolloutImage === undefined ? {} : { rolloutImage: settings.rolloutImage }),
    },
    prerequisites: { installAddons: settings.installAddons, meshMode: settings.meshMode },
    awsAccess: {
      eksClusterNames: Object.fromEntries(
        Object.entries(settings.clusters).flatMap(([region, c]) =>
          c.eksClusterName === undefined ? [] : [[region, c.eksClusterName]],
        ),
      ),
      oidcProviderArns: Object.fromEntries(
        Object.entries(settings.clusters).flatMap(([region, c]) =>
          c.oidcProviderArn === undefined ? [] : [[region, c.oidcProviderArn]],
        ),
      ),
    },
  };
}
