/**
 * One-shot setup Jobs of an engine (CockroachDB's `cockroach init` and placement SQL, Cassandra's
 * keyspace): restricted pods that retry their command in a loop until it succeeds, with the two
 * NetworkPolicies that let them reach the engine's client port under the namespace's default deny.
 *
 * A Job's pods deliberately do not carry the component's selector labels: they would join its
 * Services and disruption budget. And no Job depends on the StatefulSets: their pods only turn
 * ready once the Job has run (`cockroach init`), so Pulumi must create both side by side.
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
  const line = command.map(shellQuote).join(" ");
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

/** POSIX single-quoting: the word reaches the command byte for byte, whatever it contains. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** The Job, and the policies that let its pods reach the component's pods on `port`. */
export function setupJobResources(
  topology: string,
  placed: Placed,
  job: SetupJob,
  port: number,
): PlannedResource[] {
  const name = kubernetesName([placed.name, job.suffix]);
  const podLabels = {
    [LABELS.name]: name,
    [LABELS.partOf]: topology,
    [LABELS.component]: "setup",
    [LABELS.managedBy]: "topoplan",
    [LABELS.region]: placed.region,
  };
  const manifest: IJob = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: placed.namespace, labels: componentLabels(topology, placed) },
    spec: {
      backoffLimit: 6,
      template: {
        metadata: { labels: podLabels },
        spec: {
          restartPolicy: "OnFailure",
          serviceAccountName: objectNames(placed.name).serviceAccount,
          automountServiceAccountToken: false,
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
