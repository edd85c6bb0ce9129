import { describe, expect, it } from "vitest";
import { compilePlan } from "../../../src/compile/index.js";
import { at, byType, euSpec, modelOf, named, plan } from "./helpers.js";

/**
 * What `pulumi up` or the AWS API would refuse, and what a policy must not grant (a helper's
 * review of the AWS target): IAM role and RDS parameter group names, empty dashboard widgets,
 * the database user a caller may sign in as.
 */

/** IAM role names: 64 characters; Pulumi's auto-name adds `-` and 7 characters to the logical name. */
const IAM_ROLE_MAX = 64;
const AUTO_NAME_SUFFIX = 8;
/** What the provider appends to a `namePrefix`: 26 characters. */
const PREFIX_SUFFIX = 26;

/** euSpec with 40-character names (the schema's most) for the stream and the S3 store, mirrored. */
function longNames() {
  const spec = euSpec() as unknown as {
    datastores: Record<string, unknown>;
    streams: Record<string, Record<string, unknown>>;
    services: Record<string, { calls: { to: string }[] }>;
  };
  const stream = `e${"v".repeat(39)}`;
  const store = `m${"e".repeat(39)}`;
  spec.streams[stream] = { ...spec.streams.events, mirrorRegions: ["eu-north-1"] };
  delete spec.streams.events;
  spec.datastores[store] = spec.datastores.media;
  delete spec.datastores.media;
  for (const service of Object.values(spec.services))
    for (const call of service.calls)
      call.to = call.to === "events" ? stream : call.to === "media" ? store : call.to;
  return spec as never;
}

describe("AWS names the API accepts", () => {
  it("every IAM role fits 64 characters, named by a prefix or auto-named from a short enough name", () => {
    const roles = byType(plan(longNames()), "aws:iam/role:Role");
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) {
      const prefix = at(role.inputs, "namePrefix") as string | undefined;
      const name = at(role.inputs, "name") as string | undefined;
      const length =
        name?.length ??
        (prefix === undefined ? role.name.length + AUTO_NAME_SUFFIX : prefix.length + PREFIX_SUFFIX);
      expect(length, role.name).toBeLessThanOrEqual(IAM_ROLE_MAX);
      // IAM's characters: letters, digits and +=,.@_-
      expect(prefix ?? name ?? role.name, role.name).toMatch(/^[\w+=,.@-]+$/);
    }
    // The two that were auto-named from names past 56 characters.
    expect(roles.some((r) => /replicator/.test(r.name) && at(r.inputs, "namePrefix") !== undefined)).toBe(
      true,
    );
    expect(
      roles.some((r) => /replication-role/.test(r.name) && at(r.inputs, "namePrefix") !== undefined),
    ).toBe(true);
  });

  it("a cluster parameter group of a component named with `--` has no `--` in its name", () => {
    const spec = euSpec() as unknown as { datastores: Record<string, unknown> };
    spec.datastores["led--ger"] = spec.datastores.orders;
    const groups = byType(plan(spec as never), "aws:rds/clusterParameterGroup:ClusterParameterGroup");
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) {
      const prefix = at(group.inputs, "namePrefix") as string;
      // RDS: a letter first, letters, digits and hyphens, no two hyphens in a row.
      expect(prefix, group.name).toMatch(/^[a-z](?!.*--)[a-z0-9-]*-$/);
      expect(prefix.length + PREFIX_SUFFIX).toBeLessThanOrEqual(255);
    }
  });
});

describe("CloudWatch dashboards", () => {
  it("a single-region DynamoDB table gets no replication-latency widget without metrics", () => {
    const spec = euSpec({ carts: { replicas: 1, placement: { "eu-west-1": 1 } } });
    const body = JSON.parse(
      at(named(plan(spec), "aws-dashboard-eu-west-1").inputs, "dashboardBody") as string,
    );
    for (const widget of body.widgets)
      expect(widget.properties.metrics.length, widget.properties.title).toBeGreaterThan(0);
    expect(
      body.widgets.some((w: { properties: { title: string } }) =>
        /^DynamoDB replication latency/.test(w.properties.title),
      ),
    ).toBe(false);
  });
});

describe("IAM database authentication", () => {
  it("a caller may sign in to Aurora as its own database user only", () => {
    const model = modelOf(euSpec());
    const policies = compilePlan(model).resources.filter(
      (r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.component === "api",
    );
    // Each ARN is a concat whose parts are `arn:aws:rds-db:…`, the account, `:dbuser:`, the
    // cluster's resource id and the user.
    const arns: unknown[][] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value !== null && typeof value === "object") {
        const parts = (value as { parts?: unknown[] }).parts;
        if (Array.isArray(parts) && parts.includes(":dbuser:")) arns.push(parts);
        Object.values(value).forEach(walk);
      }
    };
    walk(policies.map((p) => p.inputs));
    expect(arns.length).toBe(2); // one per region of orders
    for (const parts of arns) expect(parts.at(-1)).toBe("/api");
  });
});
