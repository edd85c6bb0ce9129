/**
 * One-shot setup Jobs of an engine (CockroachDB's `cockroach init` and placement SQL, Cassandra's
 * keyspace): restricted pods that retry their command in a loop until it succeeds, with the two
 * NetworkPolicies that let them reach the engine's client port under the namespace's default deny.
 * The Job itself (`jobManifest`) is shared with the rollout Jobs (compile/kubernetes/rollout.ts).
 *
 * A Job's pods deliberately do not carry the component's selector labels: they would join its
 * Services and disruption budget. And no setup Job depends on the StatefulSets: their pods only turn
 * ready once the Job has run (`cockroach init`), so Pulumi must create both side by side.
 *
 * No Istio sidecar: the namespaces are labelled for injection, and with the pinned Istio 1.24
 * without native sidecars (the add-ons turn on ENABLE_NATIVE_SIDECARS, a cluster installed by hand
 * may not) an injected istio-proxy keeps running after the Job's container exits, so the Job never
 * completes and `pulumi up` waits on it. The pod label `sidecar.istio.io/inject: "false"` is what Istio documents (the annotation of
 * the same name is deprecated in favour of the label); the injection webhook's objectSelector
 * skips such pods. Without a sidecar the Job's connection is plaintext to the mesh, so the port it
 * dials must accept that under STRICT mTLS: each engine lists it in `sidecarlessClients`, and the
 * mesh keeps it PERMISSIVE for the component's pods (the engines' own TLS and the NetworkPolicies
 * below still apply). Keeping the sidecar and calling its `/quitquitquit` at the end of each
 * script was the alternative; it ties every engine's script to the mesh's data plane (ambient mode
 * has no sidecar to stop).
 */
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import type { IVolume } from "kubernetes-models/v1/Volume";
import type { IVolumeMount } from "kubernetes-models/v1/VolumeMount";
import { LABELS } from "../compile/kubernetes/constants.js";
import { componentLabels, planned, selectorLabels } from "../compile/kubernetes/manifest.js";
import type { Placed } from "../compile/kubernetes/placements.js";
import { objectNames } from "../compile/kubernetes/workloads.js";
import { kubernetesName } from "../compile/names.js";
import type { PlannedResource } from "../compile/plan.js";
import { shellQuote } from "../shell.js";
import { HELPER_RESOURCES, RESTRICTED_CONTAINER } from "./security.js";

export interface SetupJob {
  /** Suffix of the Job's name: `<component>-<suffix>`. */
  readonly suffix: string;
  readonly image: string;
  /** A shell script (run by `/bin/bash -c`) that loops until its work is done. */
  readonly script: string;
  readonly userId: number;
  readonly env?: readonly IEnvVar[];
  readonly volumes?: readonly IVolume[];
  readonly volumeMounts?: readonly IVolumeMount[];
}

/**
 * `until <command>; do sleep 5; done` for a command that may legitimately fail while the cluster
 * forms; `okIfOutput` also accepts a failure whose output contains that text (e.g. "already
 * initialized"). The command is given as shell words, each quoted.
 */
export function retryScript(command: readonly string[], okIfOutput?: string): string {
  return retryShell(command.map(shellQuote).join(" "), okIfOutput);
}

/** {@link retryScript} for a command line already written as shell (quoted by the caller). */
export function retryShell(line: string, okIfOutput?: string): string {
  const accept =
    okIfOutput === undefined
      ? ""
      : ` || case "$out" in *${shellQuote(okIfOutput)}*) true ;; *) false ;; esac`;
  return [
    "while true; do",
    `  out=$(${line} 2>&1); rc=$?; echo "$out"`,
    `  if [ "$rc" -eq 0 ]${accept}; then exit 0; fi`,
    "  sleep 5",
    "done",
  ].join("\n");
}

/** Pod label that keeps Istio from injecting a sidecar (see the file comment). */
export const NO_SIDECAR = { "sidecar.istio.io/inject": "false" } as const;

/** The labels of a helper Job's pods: not the component's selector (see the file comment). */
export function jobPodLabels(
  topology: string,
  placed: Placed,
  name: string,
  role = "setup",
): Record<string, string> {
  return {
    [LABELS.name]: name,
    [LABELS.partOf]: topology,
    [LABELS.component]: role,
    [LABELS.managedBy]: "topoplan",
    [LABELS.region]: placed.region,
  };
}

/** How a helper Job's pod reaches the API server, if at all, and what its Job adds. */
export interface JobAccess {
  /** @default the component's ServiceAccount, without a token */
  readonly serviceAccountName?: string;
  readonly automountServiceAccountToken?: boolean;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly podAnnotations?: Readonly<Record<string, string>>;
  readonly activeDeadlineSeconds?: number;
  /** The pods' `app.kubernetes.io/component`. @default "setup" */
  readonly role?: string;
}

/** A helper Job `name` running `job.script` in a restricted pod without a sidecar. */
export function jobManifest(
  topology: string,
  placed: Placed,
  name: string,
  job: SetupJob,
  access: JobAccess = {},
): IJob {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name,
      namespace: placed.namespace,
      labels: componentLabels(topology, placed),
      ...(access.annotations === undefined ? {} : { annotations: { ...access.annotations } }),
    },
    spec: {
      backoffLimit: 6,
      ...(access.activeDeadlineSeconds === undefined
        ? {}
        : { activeDeadlineSeconds: access.activeDeadlineSeconds }),
      template: {
        metadata: {
          labels: { ...jobPodLabels(topology, placed, name, access.role), ...NO_SIDECAR },
          ...(access.podAnnotations === undefined ? {} : { annotations: { ...access.podAnnotations } }),
        },
        spec: {
          restartPolicy: "OnFailure",
          serviceAccountName: access.serviceAccountName ?? objectNames(placed.name).serviceAccount,
          automountServiceAccountToken: access.automountServiceAccountToken ?? false,
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: job.userId,
            runAsGroup: job.userId,
            fsGroup: job.userId,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: job.suffix,
              image: job.image,
              command: ["/bin/bash", "-c", job.script],
              // HOME on the writable /tmp: CLIs keep history files there.
              env: [{ name: "HOME", value: "/tmp" }, ...(job.env ?? [])],
              resources: HELPER_RESOURCES,
              securityContext: RESTRICTED_CONTAINER,
              volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ...(job.volumeMounts ?? [])],
            },
          ],
          volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }, ...(job.volumes ?? [])],
        },
      },
    },
  };
}

/** The Job, and the policies that let its pods reach the component's pods on `port`. */
export function setupJobResources(
  topology: string,
  placed: Placed,
  job: SetupJob,
  port: number,
): PlannedResource[] {
  const name = kubernetesName([placed.name, job.suffix]);
  const podLabels = jobPodLabels(topology, placed, name);
  const manifest = jobManifest(topology, placed, name, job);
  const tcp = [{ protocol: "TCP" as const, port }];
  const egress: INetworkPolicy = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: kubernetesName([name, "egress"]), namespace: placed.namespace, labels: podLabels },
    spec: {
      podSelector: { matchLabels: { [LABELS.name]: name, [LABELS.partOf]: topology } },
      policyTypes: ["Egress"],
      egress: [{ to: [{ podSelector: { matchLabels: selectorLabels(topology, placed.name) } }], ports: tcp }],
    },
  };
  const ingress: INetworkPolicy = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: kubernetesName([name, "ingress"]),
      namespace: placed.namespace,
      labels: componentLabels(topology, placed),
    },
    spec: {
      podSelector: { matchLabels: selectorLabels(topology, placed.name) },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { [LABELS.name]: name, [LABELS.partOf]: topology } } }],
          ports: tcp,
        },
      ],
    },
  };
  return [
    planned(placed.region, placed.name, manifest),
    planned(placed.region, placed.name, egress),
    planned(placed.region, placed.name, ingress),
  ];
}
