// biome-ignore-all lint/suspicious/noExplicitAny: manifests are read back as untyped JSON
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  POD_TEMPLATES_ANNOTATION,
  ROLLOUT_SCRIPT,
  STATEFULSET_TYPE,
} from "../../../src/compile/kubernetes/rollout.js";
import type { PlannedResource } from "../../../src/compile/plan.js";
import type { TopologyInput } from "../../../src/spec/schema/topology.js";
import { compile, manifest, SHOP } from "./helpers.js";

const resources = compile(SHOP);
const of = (component: string, type: string) =>
  resources.filter((r) => r.component === component && r.type === type);
const jobs = (component: string) =>
  of(component, "kubernetes:batch/v1:Job").filter((r) => r.name.endsWith("-rollout"));

describe("a component with several StatefulSets rolls out one pod at a time", () => {
  it("its StatefulSets are updated on delete, and each region has a rollout Job after them", () => {
    // orders: CockroachDB over three regions (one StatefulSet per zone of each).
    const sets = of("orders", STATEFULSET_TYPE);
    expect(new Set(sets.map((s) => s.region)).size).toBe(3);
    for (const set of sets) expect((set.inputs as any).spec.updateStrategy).toEqual({ type: "OnDelete" });
    const regionJobs = jobs("orders");
    expect(regionJobs.map((j) => j.region).sort()).toEqual(["eu-central-1", "eu-north-1", "eu-west-1"]);
    for (const job of regionJobs) {
      const here = sets.filter((s) => s.region === job.region).map((s) => s.name);
      expect(job.options?.dependsOn).toEqual(expect.arrayContaining(here));
      const env = (job.inputs as any).spec.template.spec.containers[0].env;
      const names = here.map((n) => n.split("/").at(-1)).join(" ");
      expect(env).toContainEqual({ name: "STATEFULSETS", value: names });
    }
  });

  it("the regions' Jobs form one chain: each waits for the one before, the first for none", () => {
    const regionJobs = jobs("orders");
    const previous = (job: PlannedResource) =>
      (job.options?.dependsOn ?? []).filter((d) => d.endsWith("/Job/orders-rollout"));
    const firsts = regionJobs.filter((j) => previous(j).length === 0);
    expect(firsts).toHaveLength(1);
    const visited = [firsts[0]!.name];
    for (let at = firsts[0]!; ; ) {
      const next = regionJobs.find((j) => previous(j)[0] === at.name);
      if (next === undefined) break;
      visited.push(next.name);
      at = next;
    }
    expect(visited).toHaveLength(3);
  });

  it("the Job may read only those StatefulSets and delete only their pods", () => {
    const role = manifest(resources, "eu-west-1/shop/Role/orders-rollout");
    const sets = of("orders", STATEFULSET_TYPE).filter((s) => s.region === "eu-west-1");
    const names = sets.map((s) => (s.inputs as any).metadata.name);
    const pods = sets.flatMap((s) =>
      Array.from(
        { length: (s.inputs as any).spec.replicas },
        (_, i) => `${(s.inputs as any).metadata.name}-${i}`,
      ),
    );
    expect(role.rules).toEqual([
      { apiGroups: ["apps"], resources: ["statefulsets"], resourceNames: names, verbs: ["get"] },
      { apiGroups: [""], resources: ["pods"], resourceNames: pods, verbs: ["get", "delete"] },
    ]);
    const job = manifest(resources, "eu-west-1/shop/Job/orders-rollout");
    expect(job.spec.template.spec.serviceAccountName).toBe("orders-rollout");
    expect(job.spec.template.spec.automountServiceAccountToken).toBe(true);
    // Under the namespace's default deny the Job reaches the API server only through its own policy.
    const egress = manifest(resources, "eu-west-1/shop/NetworkPolicy/orders-rollout-api");
    expect(job.spec.template.metadata.labels).toMatchObject(egress.spec.podSelector.matchLabels);
  });

  it("a single StatefulSet rolls by itself: no Job, RollingUpdate kept", () => {
    // carts: one region, one StatefulSet.
    const sets = of("carts", STATEFULSET_TYPE);
    expect(sets).toHaveLength(1);
    expect((sets[0]!.inputs as any).spec.updateStrategy).toEqual({ type: "RollingUpdate" });
    expect(jobs("carts")).toEqual([]);
  });

  it("hashes the pod templates as deployed: zone labels preferred instead of required count", () => {
    const hash = (options: Parameters<typeof compile>[1]) =>
      manifest(compile(SHOP, options), "eu-west-1/shop/Job/orders-rollout").spec.template.metadata
        .annotations[POD_TEMPLATES_ANNOTATION];
    expect(hash({ zoneLabels: "preferred" })).not.toBe(hash({ zoneLabels: "required" }));
  });

  it("a Job that failed is replaced, so run again, by the next pulumi up", () => {
    const job = manifest(resources, "eu-west-1/shop/Job/orders-rollout");
    expect(job.metadata.annotations["pulumi.com/replaceUnready"]).toBe("true");
  });

  it("a pod template change replaces the Job (runs it again); a scale-up alone does not", () => {
    const hashOf = (spec: TopologyInput, region: string) =>
      manifest(compile(spec), `${region}/shop/Job/orders-rollout`).spec.template.metadata.annotations[
        POD_TEMPLATES_ANNOTATION
      ];
    const orders = (SHOP.datastores as any).orders;
    const newImage = structuredClone(SHOP);
    (newImage.datastores as any).orders.deploy = { ...orders.deploy, image: "cockroachdb/cockroach:v24.1.5" };
    const scaled = structuredClone(SHOP);
    (scaled.datastores as any).orders.placement = { ...orders.placement, "eu-north-1": 2 };
    (scaled.datastores as any).orders.replicas = 6;
    expect(hashOf(newImage, "eu-west-1")).not.toBe(hashOf(SHOP, "eu-west-1"));
    expect(hashOf(scaled, "eu-west-1")).toBe(hashOf(SHOP, "eu-west-1"));
  });
});

/**
 * The script against a fake `kubectl` keeping a namespace's StatefulSets and pods in a JSON file:
 * a deleted pod comes back on the update revision after a few reads, not ready for a few more
 * (or never, when the test says so); each delete is logged with the pods that were not ready then.
 */
const FAKE_KUBECTL = `#!/usr/bin/env node
const fs = require("node:fs");
const file = process.env.FAKE_STATE;
const state = JSON.parse(fs.readFileSync(file, "utf8"));
const args = process.argv.slice(2).filter((a, i, all) => a !== "--namespace" && all[i - 1] !== "--namespace" && !a.startsWith("--"));
// Atomic: the test reads the file while a call the timeout orphaned may still be writing it.
const save = () => { fs.writeFileSync(file + "." + process.pid, JSON.stringify(state)); fs.renameSync(file + "." + process.pid, file); };
const tick = () => {
  for (const pod of Object.values(state.pods)) {
    if (pod.terminating > 0) { if (--pod.terminating === 0) Object.assign(pod, { away: 2, warming: 3 }); }
    else if (pod.away > 0) pod.away--;
    else if (pod.warming > 0 && !pod.stuck) pod.warming--;
  }
};
const podView = (name) => {
  const pod = state.pods[name];
  if (pod === undefined || pod.away > 0) return undefined;
  return { metadata: { name, labels: { "controller-revision-hash": pod.revision },
      ...(pod.terminating > 0 ? { deletionTimestamp: "2026-12-05T21:00:00Z" } : {}) },
    status: { conditions: [{ type: "Ready", status: pod.warming > 0 ? "False" : "True" }] } };
};
const setView = (name) => {
  const set = state.sets[name];
  const ready = Object.keys(state.pods).filter((p) => p.startsWith(name + "-") && podView(p)?.status.conditions[0].status === "True").length;
  const observed = set.lagging > 0 ? (set.lagging--, set.generation - 1) : set.generation;
  return { metadata: { name, generation: set.generation }, spec: { replicas: set.replicas },
    status: { observedGeneration: observed, updateRevision: set.updateRevision, ...(ready > 0 ? { readyReplicas: ready } : {}) } };
};
const jsonpath = (object, template) => template.replace(/\\{([^}]*)\\}/g, (_, expr) => {
  if (expr === '"\\\\n"') return "\\n";
  let at = object;
  for (const part of expr.replace(/^\\./, "").split(/\\.(?![^\\[]*\\])/)) {
    const filter = /^(\\w+)\\[\\?\\(@\\.(\\w+)=="([^"]*)"\\)\\]$/.exec(part);
    at = filter ? at?.[filter[1]]?.find((x) => x[filter[2]] === filter[3]) : at?.[part];
  }
  return at === undefined ? "" : String(at);
});
tick();
if (args[0] === "get") {
  const [, kind, name, , o] = args;
  const view = kind === "statefulset" ? setView(name) : podView(name);
  save();
  if (view === undefined) { process.stderr.write("NotFound\\n"); process.exit(1); }
  process.stdout.write(jsonpath(view, o.replace(/^jsonpath=/, "")));
} else if (args[0] === "delete") {
  const name = args[2];
  const up = (p) => { const v = podView(p); return v !== undefined && v.metadata.deletionTimestamp === undefined && v.status.conditions[0].status === "True"; };
  const notReady = Object.keys(state.pods).filter((p) => p !== name && !up(p));
  state.deleted.push({ pod: name, notReady });
  const set = Object.keys(state.sets).find((s) => name.startsWith(s + "-"));
  Object.assign(state.pods[name], { revision: state.sets[set].updateRevision, away: 2, warming: 3, stuck: state.stuck.includes(name) });
  save();
} else { process.stderr.write("unexpected: " + args.join(" ") + "\\n"); process.exit(2); }
`;

// Made in beforeAll, not while collecting: a run filtered to other tests skips afterAll.
let scratch = "";
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "topoplan-rollout-"));
});
// Retries: a kubectl the timeout killed may have been between writing and renaming its state.
afterAll(() => rmSync(scratch, { recursive: true, force: true, maxRetries: 5 }));

function runScript(
  name: string,
  sets: Record<string, { replicas: number; old: readonly number[] }>,
  {
    stuck = [],
    terminating = {},
    timeoutMs = 60_000,
  }: {
    /** Pods that never turn ready once restarted. */
    stuck?: readonly string[];
    /** Pods someone else is deleting at the start: reads until they go (Ready meanwhile). */
    terminating?: Readonly<Record<string, number>>;
    timeoutMs?: number;
  } = {},
) {
  const dir = join(scratch, name);
  spawnSync("mkdir", ["-p", dir]);
  const kubectl = join(dir, "kubectl");
  writeFileSync(kubectl, FAKE_KUBECTL);
  chmodSync(kubectl, 0o755);
  const state = {
    sets: Object.fromEntries(
      Object.entries(sets).map(([set, s]) => [
        set,
        { generation: 2, replicas: s.replicas, updateRevision: `${set}-new`, lagging: 1 },
      ]),
    ),
    pods: Object.fromEntries(
      Object.entries(sets).flatMap(([set, s]) =>
        Array.from({ length: s.replicas }, (_, i) => [
          `${set}-${i}`,
          {
            revision: s.old.includes(i) ? `${set}-old` : `${set}-new`,
            away: 0,
            warming: 0,
            terminating: terminating[`${set}-${i}`] ?? 0,
          },
        ]),
      ),
    ),
    deleted: [] as { pod: string; notReady: string[] }[],
    stuck,
  };
  const stateFile = join(dir, "state.json");
  writeFileSync(stateFile, JSON.stringify(state));
  // coreutils' timeout, not spawnSync's: it signals its whole process group, so no fake kubectl
  // outlives the test and writes into the scratch directory while afterAll removes it.
  const seconds = String(timeoutMs / 1000);
  const run = spawnSync("timeout", ["--kill-after=2", seconds, "bash", "-c", ROLLOUT_SCRIPT], {
    env: {
      PATH: `${dir}:${process.env.PATH}`,
      FAKE_STATE: stateFile,
      NAMESPACE: "shop",
      STATEFULSETS: Object.keys(sets).join(" "),
      POLL_SECONDS: "0",
      HOME: dir,
    },
    // stdin not a socket: bash would take itself for a remote shell and read ~/.bashrc.
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  const after = JSON.parse(readFileSync(stateFile, "utf8")) as typeof state;
  return { run, after };
}

// Each kubectl call starts a Node process: give the script room on a loaded machine.
describe("the rollout script (against a fake kubectl)", { timeout: 90_000 }, () => {
  it("restarts each pod on an old revision, one at a time, highest ordinal first, and leaves the rest", () => {
    const { run, after } = runScript("ordered", {
      "orders-a": { replicas: 2, old: [0, 1] },
      "orders-b": { replicas: 1, old: [] },
      "orders-c": { replicas: 2, old: [0, 1] },
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(after.deleted.map((d) => d.pod)).toEqual(["orders-a-1", "orders-a-0", "orders-c-1", "orders-c-0"]);
    // Never a second member down: every other pod was ready at each delete.
    expect(after.deleted.flatMap((d) => d.notReady)).toEqual([]);
    for (const [name, pod] of Object.entries(after.pods)) expect(pod.revision, name).toMatch(/-new$/);
  });

  it("waits while a pod someone else deletes is still terminating (Ready, but going)", () => {
    // kv-a-0 is being drained: readyReplicas would still count it.
    const { run, after } = runScript(
      "terminating",
      { "kv-a": { replicas: 3, old: [1, 2] } },
      { terminating: { "kv-a-0": 20 } },
    );
    expect(run.status).toBe(0);
    expect(after.deleted.map((d) => d.pod)).toEqual(["kv-a-2", "kv-a-1"]);
    expect(after.deleted.flatMap((d) => d.notReady)).toEqual([]);
  });

  it("restarts nothing when every pod already runs the update revision (a first creation)", () => {
    const { run, after } = runScript("nothing", { "kv-a": { replicas: 3, old: [] } });
    expect(run.status).toBe(0);
    expect(after.deleted).toEqual([]);
  });

  it("stops at a pod that does not come back ready: no second pod is taken down", () => {
    const { run, after } = runScript(
      "stuck",
      { "kv-a": { replicas: 3, old: [0, 1, 2] } },
      {
        stuck: ["kv-a-2"],
        timeoutMs: 5_000,
      },
    );
    expect(run.status).toBe(124); // timeout's status: still waiting when the test's clock ran out
    expect(after.deleted.map((d) => d.pod)).toEqual(["kv-a-2"]);
  });
});

describe("the rollout image", () => {
  it("is the stack's topoplan:rolloutImage when set (a registry mirror, a digest)", () => {
    const image = (options?: Parameters<typeof compile>[1]) =>
      manifest(compile(SHOP, options), "eu-west-1/shop/Job/orders-rollout").spec.template.spec.containers[0]
        .image;
    expect(image()).toBe("alpine/k8s:1.31.4");
    expect(image({ rolloutImage: "registry.example.com/tools/k8s:1.31.4" })).toBe(
      "registry.example.com/tools/k8s:1.31.4",
    );
  });
});
