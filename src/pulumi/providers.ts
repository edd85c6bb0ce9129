import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ProviderKind, ResourcePlan } from "../compile/plan.js";
import { PlanError } from "./order.js";

/**
 * One explicit provider per region and kind (DESIGN.md: one Kubernetes cluster and one AWS
 * provider per region). Explicit providers ignore `kubernetes:*` / `aws:*` stack config, so every
 * per-region setting comes in through `topoplan:clusters` and `topoplan:awsAccounts`.
 *
 * Provider names (`k8s-<region>`, `aws-<region>`) are part of the deployed state: renaming one
 * would make Pulumi replace every resource it manages. Never change them.
 */

/** `topoplan:clusters.<region>`: how to reach the region's Kubernetes cluster. */
export interface ClusterSettings {
  /** kubeconfig context name. @default the kubeconfig's current context */
  readonly context?: string;
  /**
   * Path to a kubeconfig file (`~/` expanded, relative paths from the project root) or its
   * contents. @default the ambient `KUBECONFIG` / `~/.kube/config`
   */
  readonly kubeconfig?: string;
  /** Namespace for manifests that name none. @default the context's namespace */
  readonly namespace?: string;
  /** Cluster DNS domain, for the endpoint stack outputs. @default "cluster.local" */
  readonly clusterDomain?: string;
  /** The EKS cluster's name: services calling AWS datastores get their IAM role through EKS Pod Identity. */
  readonly eksClusterName?: string;
  /**
   * The cluster's IAM OIDC provider (`arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>`):
   * the services' roles also trust it for their ServiceAccounts (IRSA).
   */
  readonly oidcProviderArn?: string;
}

/** `topoplan:awsAccounts.<region>`: optional credentials for the region's AWS provider. */
export interface AwsAccountSettings {
  /** Shared-config profile. @default the ambient AWS credential chain */
  readonly profile?: string;
  /** Role to assume, e.g. for one account per region or per environment. */
  readonly assumeRoleArn?: string;
  /** Refuse to run against any other account (a guard against the wrong credentials). */
  readonly allowedAccountIds?: readonly string[];
}

export interface ProviderSettings {
  readonly clusters: Readonly<Record<string, ClusterSettings>>;
  /** @default {} (every region uses the ambient AWS credentials) */
  readonly awsAccounts?: Readonly<Record<string, AwsAccountSettings>>;
  /** Base for relative kubeconfig paths. @default process.cwd() */
  readonly root?: string;
  /** Stack name, for the messages that tell which config file to edit. @default "<stack>" */
  readonly stack?: string;
}

/** The provider for each (kind, region) the plan uses. */
export type RegionalProviders = Readonly<Record<ProviderKind, ReadonlyMap<string, pulumi.ProviderResource>>>;

/** Regions that host resources of each provider kind, sorted. */
export function providerRegions(plan: ResourcePlan): Record<ProviderKind, string[]> {
  const regions = { kubernetes: new Set<string>(), aws: new Set<string>() };
  for (const r of plan.resources) regions[r.provider]?.add(r.region);
  return { kubernetes: [...regions.kubernetes].sort(), aws: [...regions.aws].sort() };
}

/** Every problem with the provider settings for this plan; empty when providers can be created. */
export function checkProviderSettings(plan: ResourcePlan, settings: ProviderSettings): string[] {
  const regions = providerRegions(plan);
  const problems: string[] = [];
  const missing = regions.kubernetes.filter((r) => settings.clusters[r] === undefined);
  if (missing.length > 0) {
    const stack = settings.stack ?? "<stack>";
    const snippet = missing.map((r) => `      ${r}:\n        context: <kube context of the ${r} cluster>`);
    problems.push(
      `Kubernetes resources are planned in ${missing.join(", ")} but topoplan:clusters has no settings for ${missing.length === 1 ? "it" : "them"}; ` +
        `add to stacks/Pulumi.${stack}.yaml:\n  config:\n    topoplan:clusters:\n${snippet.join("\n")}\n` +
        `  or run: pulumi config set --path 'topoplan:clusters.${missing[0]}.context' <context>`,
    );
  }
  for (const region of regions.kubernetes) {
    const c = settings.clusters[region];
    if (c !== undefined && !c.context && !c.kubeconfig) {
      problems.push(
        `topoplan:clusters.${region} names neither a context nor a kubeconfig; set one, or every region would deploy to the current context`,
      );
    }
  }
  return problems;
}

/**
 * Resolves a kubeconfig setting: contents pass through — YAML over several lines, or JSON on one
 * (kubectl config view --flatten -o json; a path never starts with `{`) — `~/` and relative paths
 * become absolute.
 */
export function resolveKubeconfig(value: string, root: string): string {
  if (value.includes("\n") || value.trimStart().startsWith("{")) return value;
  if (value === "~" || value.startsWith("~/")) return resolve(homedir(), value.slice(2));
  return isAbsolute(value) ? value : resolve(root, value);
}

/**
 * Creates the providers the plan needs, and only those. Checks the settings first, so a missing
 * cluster registers nothing; throws {@link PlanError} listing every problem.
 */
export function createProviders(plan: ResourcePlan, settings: ProviderSettings): RegionalProviders {
  const problems = checkProviderSettings(plan, settings);
  if (problems.length > 0) throw new PlanError(problems);
  const regions = providerRegions(plan);
  const root = settings.root ?? process.cwd();

  const kubernetes = new Map<string, pulumi.ProviderResource>();
  for (const region of regions.kubernetes) {
    const c = settings.clusters[region]!;
    const args: k8s.ProviderArgs = {};
    if (c.context) args.context = c.context;
    // Kubeconfig contents carry credentials: keep them encrypted in the state.
    if (c.kubeconfig) {
      const kubeconfig = resolveKubeconfig(c.kubeconfig, root);
      args.kubeconfig = c.kubeconfig.includes("\n") ? pulumi.secret(kubeconfig) : kubeconfig;
    }
    if (c.namespace) args.namespace = c.namespace;
    kubernetes.set(region, new k8s.Provider(`k8s-${region}`, args));
  }

  const awsProviders = new Map<string, pulumi.ProviderResource>();
  for (const region of regions.aws) {
    const account = settings.awsAccounts?.[region] ?? {};
    const args: aws.ProviderArgs = { region };
    if (account.profile) args.profile = account.profile;
    if (account.assumeRoleArn) args.assumeRoles = [{ roleArn: account.assumeRoleArn }];
    if (account.allowedAccountIds) args.allowedAccountIds = [...account.allowedAccountIds];
    awsProviders.set(region, new aws.Provider(`aws-${region}`, args));
  }
  return { kubernetes, aws: awsProviders };
}
