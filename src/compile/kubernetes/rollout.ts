/**
 * Restarting a component's pods one at a time when it runs several StatefulSets (one per zone for
 * CockroachDB and Cassandra, one per region for etcd and Redis, one per region for a replicated
 * image without an engine).
 *
 * With `updateStrategy: RollingUpdate` each StatefulSet restarts its own pods one by one, but
 * nothing orders the StatefulSets: Pulumi updates every one of them at once (one per cluster, and
 * several in a cluster), and a PodDisruptionBudget does not limit a StatefulSet's own rollout. A
 * change of the pod template (an image, a flag) then restarts one member per StatefulSet at the
 * same moment: three zones' CockroachDB nodes, or every region's etcd member, and the quorum is
 * gone for the restart. Chaining the StatefulSets with `dependsOn` would order the updates, but it
 * would also order the first creation, and a member turns ready only once the others run: the
 * first StatefulSet would wait forever for a quorum the later ones make.
 *
 * So these StatefulSets use `updateStrategy: OnDelete` (pulumi-kubernetes then waits for an update
 * only until every pod is ready, provider/pkg/await/statefulset.go), and each region runs a
 * rollout Job after its StatefulSets: it waits until every pod of the component there is ready,
 * deletes one pod still on an older revision, waits until the StatefulSet has started it again on
 * the new revision and it is ready, and goes on; pods already on the StatefulSet's
 * `updateRevision` are left alone, so it is idempotent and a creation restarts nothing. The Jobs
 * of the component's regions form a chain (`dependsOn` the previous region's Job, which Pulumi
 * awaits until it completes), so one region at a time rolls. The Job's pod template carries a hash
 * of the region's pod templates: a template change replaces the Job (its template is immutable),
 * which runs it again; a change of anything else leaves it alone.
 *
 * A pod that does not come back ready stops the rollout there, one member down: the Job runs past
 * Pulumi's wait (`pulumi.com/timeoutSeconds`) and `pulumi up` fails on it, which is the signal to
 * roll back. Readiness is each engine's own probe (CockroachDB's `/health?ready=1`, a joined
 * member); engine-level checks beyond it (CockroachDB's under-replicated ranges) are not made.
 */
import { createHash } from "node:crypto";
import type { IRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import type { IRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { jobManifest, jobPodLabels } from "../../engines/jobs.js";
import { apiServerEgress } from "../../engines/security.js";
import { mapInputs, readInputs } from "../deferred.js";
import { kubernetesLogicalName, kubernetesName } from "../names.js";
import type { PlannedResource } from "../plan.js";
import { componentLabels, planned, plannedLater } from "./manifest.js";
import type { Placed } from "./placements.js";

export const STATEFULSET_TYPE = "kubernetes:apps/v1:StatefulSet";

/**
 * kubectl with bash (Docker Hub `alpine/k8s`, https://hub.docker.com/r/alpine/k8s: Alpine with
 * kubectl, bash and jq, tagged by kubectl version; kubectl supports one minor version either side
 * of the API server's, https://kubernetes.io/releases/version-skew-policy/#kubectl). A stack names
 * another (a registry mirror, a digest, a kubectl matching its clusters) with `topoplan:rolloutImage`.
 */
export const ROLLOUT_IMAGE = "alpine/k8s:1.31.4";

/** The unprivileged user the Job runs as (the pods' default, src/compile/kubernetes/pod.ts). */
const USER_ID = 65532;

/**
 * How long one pod may take to be ready again on the new revision before the rollout is judged
 * stuck. Estimate: a CockroachDB node or etcd member restarts and rejoins in about a minute, a
 * Cassandra node replays its commit log for longer; fifteen minutes leaves room for a pulled image.
 */
const SECONDS_PER_POD = 900;

/** Pod template annotation holding the hash of the region's pod templates. */
export const POD_TEMPLATES_ANNOTATION = "topoplan.dev/pod-templates";

/**
 * The script, given `NAMESPACE`, `STATEFULSETS` (space-separated, in order) and `POLL_SECONDS`.
 * A StatefulSet's `updateRevision` is read only once the controller has seen its latest spec
 * (`observedGeneration`); a pod's revision is its `controller-revision-hash` label. A pod counts
 * as up only when it exists, is Ready and is not terminating: a StatefulSet's `readyReplicas`
 * still counts a terminating pod (a drain, a person), which would let a second member go. Every
 * API read is retried, so a blip waits instead of failing the Job.
 */
export const ROLLOUT_SCRIPT = [
  "set -euo pipefail",
  'get() { kubectl get --namespace "$NAMESPACE" "$@"; }',
  "# A field the API leaves out (observedGeneration not yet written) reads as the empty string.",
  'read_field() { local out; until out=$(get "$@"); do sleep "$POLL_SECONDS"; done; echo "$out"; }',
  "pod_up() {",
  "  local state",
  '  state=$(get pod "$1" -o \'jsonpath={.metadata.deletionTimestamp}/{.status.conditions[?(@.type=="Ready")].status}\' 2>/dev/null) || return 1',
  '  [ "$state" = "/True" ]',
  "}",
  "# Every pod of the component's StatefulSets here is up, and each controller has seen its spec.",
  "settled() {",
  "  local set generation observed replicas i",
  "  for set in $STATEFULSETS; do",
  '    read -r generation observed replicas < <(get statefulset "$set" -o \'jsonpath={.metadata.generation} {.status.observedGeneration} {.spec.replicas}{"\\n"}\') || return 1',
  '    [ "$generation" = "$observed" ] || return 1',
  '    for ((i = 0; i < replicas; i++)); do pod_up "$set-$i" || return 1; done',
  "  done",
  "}",
  'wait_settled() { until settled; do sleep "$POLL_SECONDS"; done; }',
  "revision_of() { get pod \"$1\" -o 'jsonpath={.metadata.labels.controller-revision-hash}' 2>/dev/null || true; }",
  "for set in $STATEFULSETS; do",
  "  wait_settled",
  "  target=$(read_field statefulset \"$set\" -o 'jsonpath={.status.updateRevision}')",
  "  replicas=$(read_field statefulset \"$set\" -o 'jsonpath={.spec.replicas}')",
  "  for ((i = replicas - 1; i >= 0; i--)); do",
  '    pod="$set-$i"',
  '    [ "$(revision_of "$pod")" = "$target" ] && continue',
  "    wait_settled",
  '    now=$(revision_of "$pod")',
  '    [ "$now" = "$target" ] && continue',
  '    echo "restarting $pod: revision $now -> $target"',
  '    until kubectl delete pod --namespace "$NAMESPACE" "$pod" --wait=false --ignore-not-found; do sleep "$POLL_SECONDS"; done',
  '    until [ "$(revision_of "$pod")" = "$target" ] && pod_up "$pod"; do sleep "$POLL_SECONDS"; done',
  "  done",
  "done",
  "wait_settled",
  'echo "every pod of $STATEFULSETS runs its StatefulSet\'s update revision"',
].join("\n");

/**
 * `resources` with every component of several StatefulSets (in all its regions) rolled by Jobs:
 * its StatefulSets `OnDelete`, and per region, in the order of `placed`, the rollout resources,
 * each region's Job waiting for the previous one's. Run last: the Jobs hash the pod templates as
 * they are deployed.
 */
export function withOrderedRollouts(
  topology: string,
  resources: readonly PlannedResource[],
  placed: readonly Placed[],
  image = ROLLOUT_IMAGE,
): PlannedResource[] {
  const setsOf = new Map<string, PlannedResource[]>();
  for (const r of resources) {
    if (r.type !== STATEFULSET_TYPE) continue;
    const sets = setsOf.get(r.component);
    if (sets === undefined) setsOf.set(r.component, [r]);
    else sets.push(r);
  }
  const rolled = new Map(
    [...setsOf]
      .filter(([, sets]) => sets.length > 1)
      .map(([component, sets]) => [component, sets.map(onDeleteUpdates)]),
  );
  if (rolled.size === 0) return [...resources];
  const updated = new Map([...rolled.values()].flat().map((r) => [r.name, r]));
  const jobs: PlannedResource[] = [];
  const previous = new Map<string, string>();
  for (const p of placed) {
    const here = rolled.get(p.name)?.filter((r) => r.region === p.region) ?? [];
    if (p.kind === "service" || here.length === 0) continue;
    jobs.push(...rolloutResources(topology, p, here, previous.get(p.name), image));
    previous.set(p.name, rolloutJobLogicalName(p.region, p.namespace, p.name));
  }
  return [...resources.map((r) => updated.get(r.name) ?? r), ...jobs];
}

/** A StatefulSet updated only as its pods are deleted (by the rollout Job). */
function onDeleteUpdates(statefulSet: PlannedResource): PlannedResource {
  return mapInputs(statefulSet, (inputs) => {
    const spec = inputs.spec as Record<string, unknown>;
    return { ...inputs, spec: { ...spec, updateStrategy: { type: "OnDelete" } } };
  });
}

/** The Job pods' `app.kubernetes.io/component`. */
const POD_COMPONENT = "rollout";

const jobName = (component: string) => kubernetesName([component, "rollout"]);

/** The Pulumi name of a component's rollout Job in a region: the next region's Job waits for it. */
function rolloutJobLogicalName(region: string, namespace: string, component: string): string {
  return kubernetesLogicalName(region, "Job", jobName(component), namespace);
}

interface SetTemplate {
  readonly name: string;
  readonly replicas: number;
  readonly template: unknown;
}

/** What the Job reads of a StatefulSet: its name, replicas and pod template. */
function setTemplate(statefulSet: PlannedResource): SetTemplate {
  const manifest = readInputs(statefulSet, { copy: false }) as {
    metadata: { name: string };
    spec: { replicas: number; template: unknown };
  };
  return { name: manifest.metadata.name, replicas: manifest.spec.replicas, template: manifest.spec.template };
}

/**
 * The rollout of `placed`'s StatefulSets in its region (already `onDeleteUpdates`): the Job, its
 * ServiceAccount, a Role to read the StatefulSets and delete their pods, the binding, and egress
 * to the API server under the namespace's default deny. `previous` is the rollout Job of the
 * region before, if any.
 */
function rolloutResources(
  topology: string,
  placed: Placed,
  statefulSets: readonly PlannedResource[],
  previous: string | undefined,
  image: string,
): PlannedResource[] {
  const name = jobName(placed.name);
  const { namespace, region } = placed;
  const labels = () => componentLabels(topology, placed);
  // Read once for the Role and the Job (each StatefulSet's manifest is built again to read it).
  let built: SetTemplate[] | undefined;
  const sets = () => {
    built ??= statefulSets.map(setTemplate);
    return built;
  };
  const account: IServiceAccount = {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name, namespace, labels: labels() },
  };
  const role = (): IRole => {
    const here = sets();
    return {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name, namespace, labels: labels() },
      rules: [
        {
          apiGroups: ["apps"],
          resources: ["statefulsets"],
          resourceNames: here.map((s) => s.name),
          verbs: ["get"],
        },
        {
          apiGroups: [""],
          resources: ["pods"],
          resourceNames: here.flatMap((s) => Array.from({ length: s.replicas }, (_, i) => `${s.name}-${i}`)),
          verbs: ["get", "delete"],
        },
      ],
    };
  };
  const binding: IRoleBinding = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name, namespace, labels: labels() },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
    subjects: [{ kind: "ServiceAccount", name, namespace }],
  };
  const egress = apiServerEgress(
    { name: kubernetesName([name, "api"]), namespace, labels: labels() },
    jobPodLabels(topology, placed, name, POD_COMPONENT),
  );
  const job = () => {
    const here = sets();
    const pods = here.reduce((sum, s) => sum + s.replicas, 0);
    const timeout = SECONDS_PER_POD * pods;
    const hash = createHash("sha256")
      .update(JSON.stringify(here.map((s) => s.template)))
      .digest("hex")
      .slice(0, 16);
    return jobManifest(
      topology,
      placed,
      name,
      {
        suffix: "rollout",
        image,
        script: ROLLOUT_SCRIPT,
        userId: USER_ID,
        env: [
          { name: "NAMESPACE", value: namespace },
          { name: "STATEFULSETS", value: here.map((s) => s.name).join(" ") },
          { name: "POLL_SECONDS", value: "5" },
        ],
      },
      {
        serviceAccountName: name,
        automountServiceAccountToken: true,
        annotations: {
          // pulumi-kubernetes waits this long for the Job to complete (its default is 10 minutes).
          "pulumi.com/timeoutSeconds": String(timeout),
          // A Job that failed (timed out on a pod that did not come back) is replaced, so run
          // again, by the next `pulumi up` rather than awaited as failed for good (provider.go).
          "pulumi.com/replaceUnready": "true",
        },
        podAnnotations: { [POD_TEMPLATES_ANNOTATION]: hash },
        activeDeadlineSeconds: timeout,
        role: POD_COMPONENT,
      },
    );
  };
  const here = (kind: string, objectName: string) =>
    kubernetesLogicalName(region, kind, objectName, namespace);
  return [
    planned(region, placed.name, account),
    plannedLater(
      region,
      placed.name,
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", name, namespace },
      role,
    ),
    planned(region, placed.name, binding),
    planned(region, placed.name, egress),
    plannedLater(region, placed.name, { apiVersion: "batch/v1", kind: "Job", name, namespace }, job, {
      dependsOn: [
        ...statefulSets.map((s) => s.name),
        here("ServiceAccount", name),
        here("Role", name),
        here("RoleBinding", name),
        here("NetworkPolicy", kubernetesName([name, "api"])),
        ...(previous === undefined ? [] : [previous]),
      ],
    }),
  ];
}
