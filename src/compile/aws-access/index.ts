import type * as aws from "@pulumi/aws";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import { modelIndex } from "../../model/model-index.js";
import type { Model, ResolvedComponent, ResolvedService } from "../../model/types.js";
import { AWS_ENDPOINTS, type AwsCompileOptions } from "../aws/index.js";
import { logicalName } from "../aws/names.js";
import { jsonDocument, out, toPlanned } from "../aws/typed.js";
import { mapInputs, objectHeader } from "../deferred.js";
import { type Placed, placements } from "../kubernetes/index.js";
import { planned, selectorLabels } from "../kubernetes/manifest.js";
import { objectNames } from "../kubernetes/workloads.js";
import type { PlannedResource } from "../plan.js";
import { type ComponentScope, EVERY_COMPONENT } from "../scope.js";

/**
 * Services on Kubernetes that call AWS-managed datastores and streams get what the call needs
 * (a pass over the aws and kubernetes targets' resources):
 *   - an IAM role per service, assumable through EKS Pod Identity (`pods.eks.amazonaws.com`,
 *     EKS user guide "Pod Identity"), allowed exactly the data-plane actions on the components
 *     it declares calls to; associated with the service's ServiceAccount in every region whose
 *     cluster names its EKS cluster (`topoplan:clusters.<region>.eksClusterName`);
 *   - the endpoints, in a ConfigMap `<service>-aws-endpoints` the Deployment reads as environment
 *     (`TOPOPLAN_<COMPONENT>_…`): the copy in the pod's own region, else the nearest (reach.ts);
 *   - where the cluster gives its IAM OIDC provider (`topoplan:clusters.<region>.oidcProviderArn`),
 *     IAM roles for service accounts (IRSA, EKS user guide "IAM roles for service accounts"): the
 *     role also trusts that provider for exactly the service's ServiceAccount
 *     (`sts:AssumeRoleWithWebIdentity`, conditions on the token's `sub` and `aud`), and the
 *     ServiceAccount carries the `eks.amazonaws.com/role-arn` annotation EKS's webhook reads;
 *   - egress to the Pod Identity agent (169.254.170.23:80), which the default "anywhere" egress
 *     excludes with the rest of link-local (instance metadata stays blocked).
 */
export interface AwsAccessOptions extends Pick<AwsCompileOptions, "stack"> {
  /** EKS cluster name per region, for the Pod Identity associations. @default {} (no association) */
  readonly eksClusterNames?: Readonly<Record<string, string>>;
  /**
   * The cluster's IAM OIDC provider ARN per region (`arn:aws:iam::<account>:oidc-provider/<issuer>`),
   * for IRSA. @default {} (Pod Identity only)
   */
  readonly oidcProviderArns?: Readonly<Record<string, string>>;
}

/** The annotation EKS's Pod Identity webhook reads to inject IRSA credentials (EKS user guide). */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

/** The IRSA trust statement for one cluster's OIDC provider and one ServiceAccount. */
function webIdentityStatement(
  providerArn: string,
  namespace: string,
  serviceAccount: string,
): aws.iam.PolicyStatement {
  // The provider ARN ends in the issuer without its scheme: oidc.eks.<region>.amazonaws.com/id/<id>.
  const issuer = providerArn.slice(providerArn.indexOf(":oidc-provider/") + ":oidc-provider/".length);
  return {
    Effect: "Allow",
    Principal: { Federated: providerArn },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: {
      StringEquals: {
        [`${issuer}:aud`]: "sts.amazonaws.com",
        [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
      },
    },
  };
}

/** EKS Pod Identity agent address and port (EKS user guide, "EKS Pod Identity agent"). */
export const POD_IDENTITY_AGENT = { cidr: "169.254.170.23/32", port: 80 } as const;

export function awsAccessResources(
  model: Model,
  resources: readonly PlannedResource[],
  options: AwsAccessOptions = {},
  scope: ComponentScope = EVERY_COMPONENT,
): PlannedResource[] {
  const awsComponents = new Map<string, ResolvedComponent>(
    [...model.datastores, ...model.streams].filter((c) => c.deploy.target === "aws").map((c) => [c.name, c]),
  );
  const added: PlannedResource[] = [];
  const deploymentsWithEnv = new Map<string, string>();
  const annotated = new Map<string, string>();
  // Placements per service and Deployments per (region, namespace, name), indexed once: looking
  // them up per service made this pass quadratic in services (issue #15).
  const placedBy = new Map<string, Placed[]>();
  for (const p of placements(model)) {
    if (p.kind !== "service") continue;
    const list = placedBy.get(p.name);
    if (list === undefined) placedBy.set(p.name, [p]);
    else list.push(p);
  }
  // Streams' AWS producers and consumers, per service (in model order of the streams).
  const streamsOf = new Map<string, string[]>();
  for (const stream of model.streams) {
    if (!awsComponents.has(stream.name)) continue;
    for (const member of new Set([...stream.producers, ...stream.consumers])) {
      const list = streamsOf.get(member);
      if (list === undefined) streamsOf.set(member, [stream.name]);
      else list.push(stream.name);
    }
  }
  const calledBy = new Map<string, string[]>();
  for (const service of model.services) {
    const called = [...new Set(service.calls.map((c) => c.to))].filter((to) => awsComponents.has(to));
    called.push(...(streamsOf.get(service.name) ?? []));
    if (called.length > 0) calledBy.set(service.name, [...new Set(called)].sort());
  }
  const deployments = new Map<string, PlannedResource>();
  const serviceAccounts = new Map<string, PlannedResource>();
  // Only when some service calls AWS: most plans have no such call.
  for (const r of calledBy.size === 0 ? [] : resources) {
    const index =
      r.type === "kubernetes:apps/v1:Deployment"
        ? deployments
        : r.type === "kubernetes:core/v1:ServiceAccount"
          ? serviceAccounts
          : undefined;
    if (index === undefined) continue;
    const key = objectKey(r.region, objectHeader(r));
    if (!index.has(key)) index.set(key, r);
  }

  for (const [service, called] of calledBy) {
    // Everything made here is the service's own (its role, its pods' wiring).
    if (!scope(service)) continue;
    const placed = placedBy.get(service) ?? [];
    if (placed.length === 0) continue;
    const home = placed[0]!.region;
    const role = logicalName(service, "aws-role");
    const caller = modelIndex(model).service(service);
    const statements = called.flatMap((name) => AWS_ENDPOINTS.statements(awsComponents.get(name)!, caller));
    const serviceAccount = objectNames(service).serviceAccount;
    const irsa = placed.flatMap((p) => {
      const provider = options.oidcProviderArns?.[p.region];
      return provider === undefined ? [] : [{ placed: p, provider }];
    });
    added.push(
      toPlanned({
        type: "aws:iam/role:Role",
        name: role,
        region: home,
        component: service,
        args: {
          description: `topoplan ${model.name}/${service}: calls ${called.join(", ")} (${irsa.length > 0 ? "EKS Pod Identity, IRSA" : "EKS Pod Identity"})`,
          assumeRolePolicy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "pods.eks.amazonaws.com" },
                Action: ["sts:AssumeRole", "sts:TagSession"],
              },
              // One per cluster: each region's cluster has its own issuer.
              ...[...new Map(irsa.map((i) => [`${i.provider} ${i.placed.namespace}`, i])).values()].map((i) =>
                webIdentityStatement(i.provider, i.placed.namespace, serviceAccount),
              ),
            ],
          },
        },
      }),
      toPlanned({
        type: "aws:iam/rolePolicy:RolePolicy",
        name: logicalName(service, "aws-policy"),
        region: home,
        component: service,
        args: {
          role: out(role, "id"),
          policy: jsonDocument({ Version: "2012-10-17", Statement: statements }),
        },
      }),
    );
    for (const p of placed) {
      const cluster = options.eksClusterNames?.[p.region];
      if (cluster !== undefined) {
        added.push(
          toPlanned({
            type: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
            name: logicalName(service, "pod-identity", p.region),
            region: p.region,
            component: service,
            args: {
              clusterName: cluster,
              namespace: p.namespace,
              serviceAccount,
              roleArn: out(role, "arn"),
            },
          }),
        );
      }
      added.push(...podResources(model, p, caller, called, awsComponents, deployments, deploymentsWithEnv));
    }
    for (const { placed: p } of irsa) {
      const account = serviceAccounts.get(
        objectKey(p.region, { name: serviceAccount, namespace: p.namespace }),
      );
      if (account !== undefined) annotated.set(account.name, role);
    }
  }
  if (deploymentsWithEnv.size === 0 && annotated.size === 0) return [...resources, ...added];
  const withEnv = resources.map((r) => {
    const configMap = deploymentsWithEnv.get(r.name);
    const role = annotated.get(r.name);
    const withConfig = configMap === undefined ? r : withEnvFrom(r, configMap);
    return role === undefined ? withConfig : withRoleAnnotation(withConfig, role);
  });
  return [...withEnv, ...added];
}

/**
 * The ServiceAccount annotated with the role's ARN (a ref, resolved at deployment) for IRSA. Only
 * the objects on the changed path are copied: the rest is shared with `resource`, which the plan
 * drops for this one.
 */
function withRoleAnnotation(resource: PlannedResource, role: string): PlannedResource {
  return mapInputs(resource, (inputs) => {
    const manifest = inputs as { metadata: { annotations?: Record<string, unknown> } };
    const metadata = {
      ...manifest.metadata,
      annotations: { ...manifest.metadata.annotations, [IRSA_ROLE_ANNOTATION]: out(role, "arn") },
    };
    return { ...manifest, metadata };
  });
}

function podResources(
  model: Model,
  p: Placed,
  caller: ResolvedService | undefined,
  called: readonly string[],
  components: ReadonlyMap<string, ResolvedComponent>,
  deployments: ReadonlyMap<string, PlannedResource>,
  deploymentsWithEnv: Map<string, string>,
): PlannedResource[] {
  const name = `${objectNames(p.name).service}-aws-endpoints`;
  const data: Record<string, unknown> = { AWS_REGION: p.region };
  for (const component of called)
    Object.assign(data, AWS_ENDPOINTS.env(model, components.get(component)!, p.region, caller));
  const manifest: IConfigMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: p.namespace, labels: { "app.kubernetes.io/managed-by": "topoplan" } },
    // Refs (outputs at deployment) among the values: the adapter resolves them.
    data: data as Record<string, string>,
  };
  const configMap = planned(p.region, p.name, manifest);
  const deployment = deployments.get(
    objectKey(p.region, { name: objectNames(p.name).workload, namespace: p.namespace }),
  );
  if (deployment !== undefined) deploymentsWithEnv.set(deployment.name, name);
  const policy: INetworkPolicy = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: `${objectNames(p.name).service}-pod-identity`, namespace: p.namespace },
    spec: {
      podSelector: { matchLabels: selectorLabels(model.name, p.name) },
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }],
          ports: [{ protocol: "TCP", port: POD_IDENTITY_AGENT.port }],
        },
      ],
    },
  };
  return [configMap, planned(p.region, p.name, policy)];
}

interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
}

/**
 * (region, namespace, name): how a Deployment or ServiceAccount is found for a placement. Region
 * codes, namespaces and object names are DNS labels: none holds the separator.
 */
const objectKey = (region: string, metadata: ObjectMeta | undefined) =>
  `${region}\0${metadata?.namespace ?? ""}\0${metadata?.name ?? ""}`;

/**
 * The Deployment with `envFrom` the endpoints ConfigMap (the pod template's first container). Only
 * the objects on the path to that container are copied (not the whole manifest, once per calling
 * service and region): the rest is shared with `resource`, which the plan drops for this one.
 */
function withEnvFrom(resource: PlannedResource, configMap: string): PlannedResource {
  return mapInputs(resource, (inputs) => {
    const manifest = inputs as {
      spec: { template: { spec: { containers: { envFrom?: unknown[] }[] } } };
    };
    const { spec } = manifest;
    const [container, ...others] = spec.template.spec.containers;
    if (container === undefined) return { ...manifest };
    const envFrom = [...(container.envFrom ?? []), { configMapRef: { name: configMap } }];
    const containers = [{ ...container, envFrom }, ...others];
    const template = { ...spec.template, spec: { ...spec.template.spec, containers } };
    return { ...manifest, spec: { ...spec, template } };
  });
}
