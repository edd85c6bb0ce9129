import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { Model, ResolvedComponent } from "../../model/types.js";
import { AWS_ENDPOINTS, type AwsCompileOptions } from "../aws/index.js";
import { logicalName } from "../aws/names.js";
import { jsonDocument, out, toPlanned } from "../aws/typed.js";
import { type Placed, placements } from "../kubernetes/index.js";
import { planned, selectorLabels } from "../kubernetes/manifest.js";
import { objectNames } from "../kubernetes/workloads.js";
import type { PlannedResource } from "../plan.js";

/**
 * Services on Kubernetes that call AWS-managed datastores and streams get what the call needs
 * (a pass over the aws and kubernetes targets' resources):
 *   - an IAM role per service, assumable through EKS Pod Identity (`pods.eks.amazonaws.com`,
 *     EKS user guide "Pod Identity"), allowed exactly the data-plane actions on the components
 *     it declares calls to; associated with the service's ServiceAccount in every region whose
 *     cluster names its EKS cluster (`topoplan:clusters.<region>.eksClusterName`);
 *   - the endpoints, in a ConfigMap `<service>-aws-endpoints` the Deployment reads as environment
 *     (`TOPOPLAN_<COMPONENT>_…`): the copy in the pod's own region, else the home region's;
 *   - egress to the Pod Identity agent (169.254.170.23:80), which the default "anywhere" egress
 *     excludes with the rest of link-local (instance metadata stays blocked).
 */
export interface AwsAccessOptions extends Pick<AwsCompileOptions, "stack"> {
  /** EKS cluster name per region, for the Pod Identity associations. @default {} (no association) */
  readonly eksClusterNames?: Readonly<Record<string, string>>;
}

/** EKS Pod Identity agent address and port (EKS user guide, "EKS Pod Identity agent"). */
export const POD_IDENTITY_AGENT = { cidr: "169.254.170.23/32", port: 80 } as const;

export function awsAccessResources(
  model: Model,
  resources: readonly PlannedResource[],
  options: AwsAccessOptions = {},
): PlannedResource[] {
  const awsComponents = new Map<string, ResolvedComponent>(
    [...model.datastores, ...model.streams].filter((c) => c.deploy.target === "aws").map((c) => [c.name, c]),
  );
  const byName = new Map(resources.map((r) => [r.name, r]));
  const added: PlannedResource[] = [];
  const deploymentsWithEnv = new Map<string, string>();
  // Placements per service and Deployments per (region, namespace, name), indexed once: looking
  // them up per service made this pass quadratic in services (issue #15).
  const placedBy = new Map<string, Placed[]>();
  for (const p of placements(model)) {
    if (p.kind !== "service") continue;
    const list = placedBy.get(p.name);
    if (list === undefined) placedBy.set(p.name, [p]);
    else list.push(p);
  }
  const deployments = new Map<string, PlannedResource>();
  for (const r of byName.values()) {
    if (r.type !== "kubernetes:apps/v1:Deployment") continue;
    const key = deploymentKey(r.region, (r.inputs as { metadata?: ObjectMeta }).metadata);
    if (!deployments.has(key)) deployments.set(key, r);
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

  for (const [service, called] of calledBy) {
    const placed = placedBy.get(service) ?? [];
    if (placed.length === 0) continue;
    const home = placed[0]!.region;
    const role = logicalName(service, "aws-role");
    const statements = called.flatMap((name) => AWS_ENDPOINTS.statements(awsComponents.get(name)!, byName));
    added.push(
      toPlanned({
        type: "aws:iam/role:Role",
        name: role,
        region: home,
        component: service,
        args: {
          description: `topoplan ${model.name}/${service}: calls ${called.join(", ")} (EKS Pod Identity)`,
          assumeRolePolicy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "pods.eks.amazonaws.com" },
                Action: ["sts:AssumeRole", "sts:TagSession"],
              },
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
              serviceAccount: objectNames(service).serviceAccount,
              roleArn: out(role, "arn"),
            },
          }),
        );
      }
      added.push(
        ...podResources(model.name, p, called, awsComponents, byName, deployments, deploymentsWithEnv),
      );
    }
  }
  const withEnv = resources.map((r) => {
    const configMap = deploymentsWithEnv.get(r.name);
    return configMap === undefined ? r : withEnvFrom(r, configMap);
  });
  return [...withEnv, ...added];
}

function podResources(
  topology: string,
  p: Placed,
  called: readonly string[],
  components: ReadonlyMap<string, ResolvedComponent>,
  byName: ReadonlyMap<string, PlannedResource>,
  deployments: ReadonlyMap<string, PlannedResource>,
  deploymentsWithEnv: Map<string, string>,
): PlannedResource[] {
  const name = `${objectNames(p.name).service}-aws-endpoints`;
  const data: Record<string, unknown> = { AWS_REGION: p.region };
  for (const component of called)
    Object.assign(data, AWS_ENDPOINTS.env(components.get(component)!, p.region, byName));
  const manifest: IConfigMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: p.namespace, labels: { "app.kubernetes.io/managed-by": "topoplan" } },
    // Refs (outputs at deployment) among the values: the adapter resolves them.
    data: data as Record<string, string>,
  };
  const configMap = planned(p.region, p.name, manifest);
  const deployment = deployments.get(
    deploymentKey(p.region, { name: objectNames(p.name).workload, namespace: p.namespace }),
  );
  if (deployment !== undefined) deploymentsWithEnv.set(deployment.name, name);
  const policy: INetworkPolicy = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: `${objectNames(p.name).service}-pod-identity`, namespace: p.namespace },
    spec: {
      podSelector: { matchLabels: selectorLabels(topology, p.name) },
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

const deploymentKey = (region: string, metadata: ObjectMeta | undefined) =>
  JSON.stringify([region, metadata?.namespace, metadata?.name]);

/** The Deployment with `envFrom` the endpoints ConfigMap (the pod template's first container). */
function withEnvFrom(resource: PlannedResource, configMap: string): PlannedResource {
  const manifest = structuredClone(resource.inputs) as {
    spec: { template: { spec: { containers: { envFrom?: unknown[] }[] } } };
  };
  const container = manifest.spec.template.spec.containers[0];
  if (container !== undefined)
    container.envFrom = [...(container.envFrom ?? []), { configMapRef: { name: configMap } }];
  return { ...resource, inputs: manifest as unknown as Record<string, unknown> };
}
