import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import { buildCatalog } from "../../src/catalog/catalog.js";
import { deferredResource } from "../../src/compile/deferred.js";
import { compilePlan } from "../../src/compile/index.js";
import type { PlannedResource, ResourcePlan } from "../../src/compile/plan.js";
import { type DiffSide, diffTopologies } from "../../src/diff/index.js";
import { renderDiffMarkdown, renderDiffText } from "../../src/diff/render.js";
import { showInput } from "../../src/diff/resources.js";
import { diffSide } from "../../src/diff/side.js";
import { resolveModel } from "../../src/model/resolve.js";
import { topologyFromData } from "../../src/pipeline.js";
import { Topology } from "../../src/spec/schema/topology.js";

type Spec = Record<string, unknown>;

/** A small topology: one 5-replica consensus store in eu-west-1 and one service calling it. */
function base(): Spec {
  return {
    name: "shop",
    users: { "eu-west-1": 1 },
    datastores: {
      orders: {
        replication: "consensus",
        consistency: "strong",
        partitions: { count: 8, key: "orderId", strategy: "hash" },
        replicas: 5,
        placement: { "eu-west-1": 5 },
        leader: "eu-west-1",
        survive: "zone",
        slo: { writeP99Ms: 50 },
        deploy: { target: "kubernetes", image: "db:1", storageGi: 100 },
      },
    },
    services: {
      api: {
        regions: ["eu-west-1"],
        calls: [{ to: "orders", op: "write", timeoutMs: 500 }],
        slo: { latencyP99Ms: 200 },
        deploy: { target: "kubernetes", image: "api:1" },
      },
    },
  };
}

/** A side with its plan compiled whole, as given (tests edit it by hand). */
function side(spec: Spec): DiffSide & { readonly plan: ResourcePlan } {
  const topology = Topology.parse(spec);
  const model = resolveModel(topology, buildCatalog(topology));
  const analysis = analyse(model);
  return { model, analysis, plan: compilePlan(model, analysis) };
}

/** `base()` edited by `edit`. */
function edited(
  edit: (spec: { datastores: Record<string, Spec>; services: Record<string, Spec> }) => void,
): Spec {
  const spec = base();
  edit(spec as { datastores: Record<string, Spec>; services: Record<string, Spec> });
  return spec;
}

const diff = (after: Spec) => diffTopologies(side(base()), side(after));
const orders = (s: { datastores: Record<string, Spec> }) =>
  s.datastores.orders as Record<string, Record<string, unknown>>;

describe("diffTopologies", () => {
  it("identical specs: an empty diff", () => {
    const d = diff(base());
    expect(d.components).toEqual([]);
    expect(d.resources).toEqual([]);
    expect(d.analysis).toEqual([]);
    expect(d.destructive).toEqual([]);
  });

  it("a removed datastore is destructive", () => {
    const d = diff(
      edited((s) => {
        delete s.datastores.orders;
        s.services.api!.calls = [];
      }),
    );
    expect(d.destructive.map((x) => [x.code, x.severity, x.path, x.message, x.fix])).toEqual([
      [
        "destructive-change",
        "error",
        "datastores.orders",
        "datastore orders is removed: its data in eu-west-1 would be deleted",
        "keep datastores.orders until its data is migrated or backed up, then remove it deliberately",
      ],
    ]);
    expect(d.components.map((c) => [c.path, c.change])).toEqual([
      ["datastores.orders", "removed"],
      ["services.api", "changed"],
    ]);
    expect(d.resources.filter((r) => r.action === "delete").map((r) => r.name)).toContain(
      "eu-west-1/shop/StatefulSet/orders",
    );
  });

  it("a renamed datastore is named as a rename: its data goes with the old name", () => {
    const d = diff(
      edited((s) => {
        s.datastores.ledger = s.datastores.orders!;
        delete s.datastores.orders;
        s.services.api!.calls = [{ to: "ledger", op: "write", timeoutMs: 500 }];
      }),
    );
    expect(d.destructive.map((x) => [x.path, x.message, x.fix, x.data])).toEqual([
      [
        "datastores.orders",
        "datastore orders is renamed to ledger (every other field is the same): the name is the identity of its resources, so the rename deletes those of orders, with the data in eu-west-1, and creates empty ones",
        "keep the name orders, or add datastores.ledger beside it, migrate the data, then remove datastores.orders",
        { rule: "component-renamed", renamedTo: "ledger" },
      ],
    ]);
    // A different store added as another is removed is no rename.
    const replaced = diff(
      edited((s) => {
        s.datastores.ledger = { ...s.datastores.orders!, replicas: 3, placement: { "eu-west-1": 3 } };
        delete s.datastores.orders;
        s.services.api!.calls = [];
      }),
    );
    expect(replaced.destructive.map((x) => x.data?.rule)).toEqual(["component-removed"]);
  });

  it("fewer replicas in a region is destructive", () => {
    const d = diff(
      edited((s) => {
        orders(s).replicas = 3 as never;
        orders(s).placement = { "eu-west-1": 3 };
      }),
    );
    // topoplan's StatefulSets retain their claims (whenScaled: Retain): the volumes stay, the data
    // on them stops being a replica, and the fix does not ask for a retention they already have.
    expect(d.destructive.map((x) => [x.path, x.message, x.fix])).toEqual([
      [
        "datastores.orders.placement.eu-west-1",
        "replicas in eu-west-1: 5 → 3; the StatefulSet stops its 2 highest-numbered pods; their claims are kept (persistentVolumeClaimRetentionPolicy: Retain), so the volumes stay and are billed until deleted by hand, but the data on them is no longer a replica: it receives no writes once the pods stop",
        "add the new replicas first and let them catch up, then remove these in a separate change; once nothing needs their data, delete the kept claims of the stopped pods (`data-<statefulset>-<ordinal>`): they keep costing, and a later scale-up would start a pod on its stale volume",
      ],
    ]);
    const sts = d.resources.find((r) => r.name === "eu-west-1/shop/StatefulSet/orders");
    // replicas is one of the fields a StatefulSet updates in place.
    expect(sts?.action).toBe("update");
    expect(sts?.inputs.map((i) => [i.path, i.from, i.to])).toContainEqual(["spec.replicas", 5, 3]);
  });

  it("a smaller storageGi is destructive", () => {
    const d = diff(
      edited((s) => {
        orders(s).deploy!.storageGi = 50;
      }),
    );
    expect(d.destructive.map((x) => x.data?.rule)).toEqual(["protected-replace", "volume-shrunk"]);
    expect(d.destructive.slice(1).map((x) => [x.path, x.message, x.fix])).toEqual([
      [
        "datastores.orders.deploy.storageGi",
        "volume size 100 → 50 GiB: volumes cannot shrink, so the volumes would have to be replaced",
        "keep storageGi: 100, or migrate to a new component with smaller volumes",
      ],
    ]);
    // Growing changes the StatefulSet's immutable volumeClaimTemplates: a replace of a protected resource.
    const grown = diff(
      edited((s) => {
        orders(s).deploy!.storageGi = 200;
      }),
    );
    expect(grown.destructive.map((x) => x.data?.rule)).toEqual(["protected-replace"]);
    expect(grown.destructive[0]!.message).toContain("spec.volumeClaimTemplates cannot change in place");
    const sts = grown.resources.find((r) => r.type === "kubernetes:apps/v1:StatefulSet")!;
    expect(sts.action).toBe("replace");
    expect(sts.inputs).toEqual([
      expect.objectContaining({
        path: "spec.volumeClaimTemplates[0].spec.resources.requests.storage",
        from: "100Gi",
        to: "200Gi",
        replaces: expect.objectContaining({ path: "spec.volumeClaimTemplates" }),
      }),
    ]);
  });

  it("a changed partition key is destructive (re-sharding)", () => {
    const d = diff(
      edited((s) => {
        orders(s).partitions!.key = "customerId";
      }),
    );
    expect(d.destructive.map((x) => [x.path, x.message])).toEqual([
      [
        "datastores.orders.partitions.key",
        "partition key orderId → customerId on an existing datastore re-shards every item (8 partitions)",
      ],
    ]);
  });

  it("an added service is listed, not destructive", () => {
    const d = diff(
      edited((s) => {
        s.services.admin = { regions: ["eu-west-1"], deploy: { target: "kubernetes", image: "admin:1" } };
      }),
    );
    expect(d.destructive).toEqual([]);
    expect(d.components).toEqual([
      { kind: "service", name: "admin", path: "services.admin", change: "added", fields: [] },
    ]);
    expect(d.resources.filter((r) => r.action === "create").map((r) => r.name)).toContain(
      "eu-west-1/shop/Deployment/admin",
    );
    expect(d.resources.filter((r) => r.action === "delete")).toEqual([]);
  });

  it("an SLO change is listed, not destructive", () => {
    const d = diff(
      edited((s) => {
        orders(s).slo = { writeP99Ms: 80 };
      }),
    );
    expect(d.destructive).toEqual([]);
    expect(d.components).toEqual([
      {
        kind: "datastore",
        name: "orders",
        path: "datastores.orders",
        change: "changed",
        fields: [{ field: "slo.writeP99Ms", path: "datastores.orders.slo.writeP99Ms", from: 50, to: 80 }],
      },
    ]);
    const text = renderDiffText(d, { color: false });
    expect(text).toContain("  ~ datastores.orders\n      slo.writeP99Ms: 50 → 80\n");
    // A target that moves shows both figures; one that stays shows once (as in Markdown).
    expect(text).toContain("datastores.orders write p99: target 50 ms → 80 ms, predicted");
    const away = edited((s) => {
      orders(s).placement = { "eu-central-1": 5 };
      orders(s).leader = "eu-central-1" as never;
    });
    const moved = renderDiffText(diff(away), { color: false });
    expect(moved).toMatch(/datastores\.orders write p99: target 50 ms, predicted [\d.]+ ms → [\d.]+ ms/);
    expect(text).toContain("Destructive changes (0)\n  none");
    expect(renderDiffMarkdown(d)).toContain("| `datastores.orders` | `slo.writeP99Ms: 50 → 80` |");
  });

  it("every deploy setting and a primary's sync mode are component fields (an engine change is not silent)", () => {
    const pg = (changes: Spec) =>
      edited((s) => {
        Object.assign(orders(s), {
          replication: "primary-replica",
          consistency: "session",
          replicas: 3,
          placement: { "eu-west-1": 3 },
          deploy: { target: "kubernetes", image: "postgres:16.4", storageGi: 100 },
          ...changes,
        });
      });
    const d = diffTopologies(
      side(pg({})),
      side(
        pg({
          sync: "sync",
          deploy: {
            target: "kubernetes",
            engine: "postgresql",
            image: "postgres:16.4",
            storageGi: 100,
            healthPath: "/ready",
          },
        }),
      ),
    );
    expect(d.components.flatMap((c) => c.fields.map((f) => [f.field, f.from, f.to]))).toEqual([
      ["sync", "async", "sync"],
      ["deploy.engine", undefined, "postgresql"],
      ["deploy.healthPath", "/healthz", "/ready"],
    ]);
  });

  it("a protected resource whose type changes under its name says why it is replaced", () => {
    const before = side(base());
    const retyped = {
      ...before,
      plan: {
        ...before.plan,
        resources: before.plan.resources.map((r) =>
          r.type === "kubernetes:apps/v1:StatefulSet" ? { ...r, type: "kubernetes:apps/v2:StatefulSet" } : r,
        ),
      },
    };
    const d = diffTopologies(before, retyped);
    expect(d.resources.map((r) => [r.action, r.inputs.map((i) => i.replaces?.path)])).toEqual([
      ["replace", ["(type)"]],
    ]);
    expect(d.destructive.map((x) => x.message)).toEqual([
      "1 protected resource would be replaced ((type) cannot change in place): eu-west-1/shop/StatefulSet/orders (kubernetes:apps/v1:StatefulSet, eu-west-1); pulumi up refuses to replace a protected resource, and a replacement starts with empty volumes",
    ]);
  });

  it("a change Pulumi ignores (ignoreChanges) is no change; a region move is a replacement", () => {
    const before = side(base());
    const withPlan = (edit: (r: PlannedResource) => PlannedResource) => ({
      ...before,
      plan: { ...before.plan, resources: before.plan.resources.map(edit) },
    });
    const isSet = (r: PlannedResource) => r.type === "kubernetes:apps/v1:StatefulSet";
    const spec = (r: PlannedResource) => (r.inputs as { spec: Record<string, unknown> }).spec;
    // The program ignores the StatefulSet's service name, whose change would replace it.
    const ignoring = withPlan((r) =>
      isSet(r) ? { ...r, options: { ...r.options, ignoreChanges: ["spec.serviceName"] } } : r,
    );
    const renamed = withPlan((r) =>
      isSet(r)
        ? {
            ...r,
            options: { ...r.options, ignoreChanges: ["spec.serviceName"] },
            inputs: { ...r.inputs, spec: { ...spec(r), serviceName: "other" } },
          }
        : r,
    );
    expect(diffTopologies(ignoring, renamed).resources).toEqual([]);
    // Without the ignore, the same edit replaces it.
    const renamedPlain = withPlan((r) =>
      isSet(r) ? { ...r, inputs: { ...r.inputs, spec: { ...spec(r), serviceName: "other" } } } : r,
    );
    expect(diffTopologies(before, renamedPlain).resources.map((r) => r.action)).toEqual(["replace"]);
    const moved = withPlan((r) => (isSet(r) ? { ...r, region: "eu-central-1" } : r));
    const d = diffTopologies(before, moved);
    expect(d.resources.map((r) => [r.action, r.inputs.map((i) => i.replaces?.path)])).toEqual([
      ["replace", ["(region)"]],
    ]);
    expect(d.destructive.map((x) => x.message)).toEqual([
      expect.stringContaining("1 protected resource would be replaced ((region) cannot change in place)"),
    ]);
  });

  it("compares manifests as built, as JSON would: an undefined member is absent, an undefined item null", () => {
    const before = side(base());
    const isSet = (r: PlannedResource) => r.type === "kubernetes:apps/v1:StatefulSet";
    // The StatefulSet rebuilt with undefined members on both sides, and in one an array item
    // undefined where the other has null: no change. A real edit beside them is found.
    const rebuilt = (extra: Record<string, unknown>) => ({
      ...before,
      plan: {
        ...before.plan,
        resources: before.plan.resources.map((r) => {
          if (!isSet(r)) return r;
          const { inputs: _built, ...fields } = r;
          return deferredResource(fields, () => ({
            ...r.inputs,
            metadata: { ...(r.inputs.metadata as object), annotations: undefined, ...extra },
          }));
        }),
      },
    });
    const d = diffTopologies(rebuilt({ list: [undefined, 1] }), rebuilt({ list: [null, 1] }));
    expect(d.resources).toEqual([]);
    const edited = diffTopologies(rebuilt({ list: [undefined, 1] }), rebuilt({ list: [undefined, 2] }));
    expect(
      edited.resources.map((r) => r.inputs.map((i) => [i.path, showInput(i.from), showInput(i.to)])),
    ).toEqual([[["metadata.list", "[null,1]", "[null,2]"]]]);
  });

  it("users, network and policy settings are topology-wide changes, in every format", () => {
    // They move latency, cost and findings without touching a component: a reviewer saw the
    // effects (cost, new bandwidth errors) and no cause.
    const after = {
      ...base(),
      users: { "eu-west-1": 0.6, "eu-central-1": 0.4 },
      network: { links: [{ between: ["eu-west-1", "eu-central-1"], bandwidthMbps: 500 }] },
      policies: { "bandwidth.headroom": 0.5 },
    };
    const d = diff(after);
    expect(d.topology.map((f) => [f.path, f.from, f.to])).toEqual([
      ["users.eu-west-1", 1, 0.6],
      ["users.eu-central-1", undefined, 0.4],
      ['network.links["eu-central-1/eu-west-1"]', undefined, { bandwidthMbps: 500 }],
      ['policies["bandwidth.headroom"]', undefined, 0.5],
    ]);
    const text = renderDiffText(d, { color: false });
    expect(text).toContain("0 components, 4 topology-wide settings changed");
    expect(text).toContain("users.eu-west-1: 1 → 0.6");
    expect(renderDiffMarkdown(d, {})).toContain("Topology-wide changes (4)");
    // Unchanged: no section.
    expect(diff(base()).topology).toEqual([]);
    expect(renderDiffText(diff(base()), { color: false })).not.toContain("Topology-wide");
  });

  it("a removed component's findings are gone with it, not fixed", () => {
    const load = (spec: Spec) =>
      topologyFromData({ file: "t.ts", format: "typescript", text: "", data: spec });
    const withExtra = base() as { datastores: Record<string, Spec> };
    withExtra.datastores.extra = { ...orders(base() as never), slo: { writeP99Ms: 0.1 } };
    const first = diffSide(load(withExtra));
    const d = diffTopologies(first, diffSide(load(base()), { before: first }));
    expect(d.findings!.removed.length).toBeGreaterThan(0);
    expect(d.findings!.removed.every((f) => f.path.startsWith("datastores.extra"))).toBe(true);
    expect(d.findings!.fixed.filter((f) => f.path.startsWith("datastores.extra"))).toEqual([]);
    const text = renderDiffText(d, { color: false });
    expect(text).toMatch(/gone with removed components \(\d+\)/);
    expect(text).not.toMatch(/gone with removed components \(\d+\)\n {2}none/);
    // Each one listed, as the Markdown lists them.
    for (const f of d.findings!.removed) expect(text).toContain(`- ${f.severity} ${f.path}:`);
    expect(text).toContain("(its component is removed)");
    expect(renderDiffMarkdown(d, {})).toContain("Findings gone with removed components");
  });

  it("a suppression added by the change silences the error, named as such, and errors from before are listed", () => {
    const load = (spec: Spec) =>
      topologyFromData({ file: "t.ts", format: "typescript", text: "", data: spec });
    // A write SLO no 5-replica quorum meets: a latency-slo error on both sides.
    const failing = edited((s) => {
      s.datastores.orders!.slo = { writeP99Ms: 0.5 };
    });
    const first = diffSide(load(failing));
    const same = diffTopologies(first, diffSide(load(failing), { before: first }));
    expect(same.findings!.standingErrors.map((f) => f.code)).toContain("latency-slo");
    expect(renderDiffMarkdown(same)).toMatch(
      /⚠️ no destructive change, no new error; \*\*\d+ errors? from before\*\* still fail/,
    );
    expect(renderDiffMarkdown(same)).toContain("Errors from before, still failing `check`");

    const suppressed = {
      ...failing,
      policies: {
        suppress: [{ rule: "latency-slo", path: "datastores.orders", reason: "accepted until the rewrite" }],
      },
    };
    const d = diffTopologies(first, diffSide(load(suppressed), { before: first }));
    expect(d.findings!.fixed.map((f) => f.code)).not.toContain("latency-slo");
    expect(d.findings!.silenced.map((f) => f.code)).toContain("latency-slo");
    expect(renderDiffMarkdown(d)).toContain("Silenced by this change");
    const text = renderDiffText(d, { color: false });
    expect(text).not.toContain("[object Object]");
    expect(text).toContain('policies.suppress: +{"path":"datastores.orders","reason":"accepted until the');
  });

  it("a renamed topology's PR comment names both", () => {
    const renamed = diff({ ...base(), name: "store" });
    expect(renderDiffMarkdown(renamed, {})).toContain("## topoplan diff: `shop` → `store`");
    expect(renderDiffMarkdown(diff(base()), {})).toContain("## topoplan diff: `shop`\n");
  });

  it("a region added with voters only shows no role rows", () => {
    const d = diff(
      edited((s) => {
        orders(s).placement = { "eu-west-1": 4, "eu-central-1": 1 };
      }),
    );
    const fields = d.components.flatMap((c) => c.fields.map((f) => f.path));
    expect(fields.filter((f) => /readOnly|witnesses/.test(f))).toEqual([]);
    expect(fields).toContain("datastores.orders.placement.eu-central-1");
  });

  it("a voter turned witness is a component change, not a count change", () => {
    const witness = edited((s) => {
      orders(s).placement = { "eu-west-1": { voters: 4, witnesses: 1 } };
    });
    const d = diff(witness);
    expect(d.components.flatMap((c) => c.fields.map((f) => [f.path, f.from, f.to]))).toEqual([
      ["datastores.orders.placement.eu-west-1.witnesses", 0, 1],
    ]);
    expect(d.destructive).toEqual([]);
    // Back to five voters: one more data replica, no replica removed.
    const back = diffTopologies(side(witness), side(base()));
    expect(back.destructive).toEqual([]);
  });

  it("an availability that moves below its shown digits is no analysis change", () => {
    const before = side(base());
    const nudged = (delta: number): DiffSide => ({
      ...before,
      analysis: {
        ...before.analysis,
        datastores: before.analysis.datastores.map((d) => ({
          ...d,
          availability: { ...d.availability, write: d.availability.write - delta },
        })),
      },
    });
    // 1e-10 reads "99.99% → 99.99%" (seen on a leader move of the edge-cache stack).
    expect(diffTopologies(before, nudged(1e-10)).analysis).toEqual([]);
    expect(diffTopologies(before, nudged(1e-4)).analysis.map((c) => [c.kind, c.component])).toEqual([
      ["availability", "orders"],
    ]);
  });

  it("a service's pods priced in the total show as its own cost row", () => {
    const d = diff(
      edited((s) => {
        s.services.api!.replicasPerRegion = 30;
      }),
    );
    const api = d.cost.components.find((c) => c.component === "api");
    expect(api?.path).toBe("services.api");
    expect(api!.delta).toBeGreaterThan(0);
    // The rows add up to the total's change.
    const rows = d.cost.components.reduce((sum, c) => sum + c.delta, 0);
    expect(rows).toBeCloseTo(d.cost.delta, 1);
  });

  it("markdown stays under GitHub's comment limit", () => {
    const d = diff(edited((s) => void delete s.datastores.orders));
    const template = d.resources[0]!;
    const many = {
      ...d,
      resources: Array.from({ length: 5000 }, (_, i) => ({ ...template, name: `r${i}` })),
    };
    const md = renderDiffMarkdown(many);
    expect(md.length).toBeLessThanOrEqual(65_536);
    expect(md).toMatch(/_… [\d,]+ resource changes more, left out to fit the comment\._/);
    expect(md).toContain("**Cut to fit GitHub's 65,536-character comment limit:**");
    // The most important sections come first and are whole.
    expect(md.indexOf("### Destructive changes (1)")).toBeLessThan(md.indexOf("Resource changes"));
    expect(renderDiffText(many, { color: false })).toContain("  … and 4,900 more resources");
  });

  it("a changed replication model and deploy target are destructive; the protected StatefulSet is named", () => {
    const d = diff(
      edited((spec) => {
        orders(spec).replication = "primary-replica" as never;
        orders(spec).consistency = "eventual" as never;
        orders(spec).deploy = { target: "external" };
      }),
    );
    expect(d.destructive.map((x) => [x.path, x.message])).toEqual([
      [
        "datastores.orders",
        "1 protected resource would be deleted: eu-west-1/shop/StatefulSet/orders (kubernetes:apps/v1:StatefulSet, eu-west-1)",
      ],
      [
        "datastores.orders.deploy.target",
        "deploy target kubernetes → external: the resources holding the data would be deleted and empty ones created",
      ],
      [
        "datastores.orders.replication",
        "replication model consensus → primary-replica: the cluster would be replaced and its data must be migrated",
      ],
    ]);
  });
});
