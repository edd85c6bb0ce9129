import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateTopology } from "../../src/spec/validate.js";
import { brief, problemsOf, REPO } from "./problems.js";

const fixture = (name: string) => `test/fixtures/invalid/${name}`;

/** A valid base to break one field at a time. */
const base = () => ({
  name: "shop",
  datastores: {
    accounts: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } },
  },
  services: {
    api: { regions: ["eu-west-1"], calls: [{ to: "accounts", timeoutMs: 200 }] },
  },
});

describe("broken specs: every problem with its path, message and fix", () => {
  it("unknown region → did you mean eu-west-1?", async () => {
    expect((await problemsOf(fixture("unknown-region.yaml"))).map(brief)).toEqual([
      {
        code: "spec/unknown-region",
        path: "datastores.accounts.placement.eu-wset-1",
        message: 'unknown region "eu-wset-1": did you mean "eu-west-1"?',
        fix: 'use a catalog region code, or declare "eu-wset-1" under `regions` with its country, zones and RTTs',
      },
    ]);
  });

  it("dangling references in calls.to, producers and consumers", async () => {
    expect((await problemsOf(fixture("dangling-reference.yaml"))).map(brief)).toEqual([
      {
        code: "spec/unknown-component",
        path: "services.api.calls[0].to",
        message:
          'calls "acounts", which is not a service, datastore or stream of this topology: did you mean "accounts"?',
        fix: 'call one of the declared components, or declare "acounts"',
      },
      {
        code: "spec/unknown-service",
        path: "streams.clicks.consumers[0]",
        message: 'consumer "sesionizer" is not a service of this topology: did you mean "sessionizer"?',
        fix: 'name a declared service, or declare "sesionizer" under services',
      },
      {
        code: "spec/unknown-service",
        path: "streams.clicks.producers[0]",
        message: 'producer "apii" is not a service of this topology: did you mean "api"?',
        fix: 'name a declared service, or declare "apii" under services',
      },
    ]);
  });

  it("percent for fraction: availability 99.99 → did you mean 0.9999?", async () => {
    expect((await problemsOf(fixture("percent-for-fraction.yaml"))).map(brief)).toEqual([
      {
        code: "spec/too-big",
        path: "services.api.slo.availability",
        message: "99.99 is a percentage; availability is a fraction: did you mean 0.9999?",
        fix: "set services.api.slo.availability to 0.9999",
      },
    ]);
  });

  it("availability of 100 or more is not a percentage to convert", () => {
    const spec = base();
    Object.assign(spec.services.api, { slo: { availability: 100 } });
    const result = validateTopology(spec);
    expect(result.diagnostics.map((d) => d.message)).toEqual([
      "must be a fraction below 1 (100% is not an achievable target), e.g. 0.9999 (got 100)",
    ]);
  });

  it("a volume or peer port declared on a service is a warning: a Deployment has neither (the default storageGi is not)", () => {
    const spec = base();
    Object.assign(spec.services.api, {
      deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0", storageGi: 50, peerPort: 7000 },
    });
    const result = validateTopology(spec);
    expect(result.ok).toBe(true);
    expect(result.diagnostics.map((d) => [d.severity, d.code, d.path])).toEqual([
      ["warning", "spec/not-applicable", "services.api.deploy.peerPort"],
      ["warning", "spec/not-applicable", "services.api.deploy.storageGi"],
    ]);
    Object.assign(spec.services.api, { deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" } });
    expect(validateTopology(spec).diagnostics).toEqual([]);
  });

  it("a chaos schedule on day 7 is refused (Chaos Mesh's cron ends the week at 6), with the Sunday it means", () => {
    const withSchedule = (schedule: string) => {
      const spec = base();
      Object.assign(spec.datastores.accounts, {
        chaos: { enabled: true, schedule },
        deploy: { target: "kubernetes", image: "ghcr.io/acme/kv:1.0.0" },
      });
      return validateTopology(spec).diagnostics.map((d) => [d.path, d.fix]);
    };
    for (const [schedule, fixed] of [
      ["0 3 * * 7", 'e.g. "0 3 * * 0"'],
      ["30 2 * * 5,7", 'e.g. "30 2 * * 5,0"'],
      // Not "1-0", which robfig/cron refuses as well.
      ["0 3 * * 1-7", 'e.g. "0 3 * * 1-6,0"'],
      ["0 3 * * 8", "days of the week are 0 (Sunday) to 6"],
    ] as const)
      expect(withSchedule(schedule)).toEqual([["datastores.accounts.chaos.schedule", fixed]]);
    // A step of 7 is a step, a day of the month 7 a date, Sunday 0 a day, 06 is 6: all valid.
    for (const schedule of ["0 3 * * */7", "0 3 7 * *", "0 3 * * 0", "0 3 * * 06", "@weekly"])
      expect(withSchedule(schedule)).toEqual([]);
  });

  it("seconds for milliseconds in SLOs and call deadlines", async () => {
    expect((await problemsOf(fixture("seconds-for-ms.yaml"))).map(brief)).toEqual([
      {
        code: "spec/unit",
        path: "datastores.accounts.slo.writeP99Ms",
        message: "0.05 ms is below any network round trip; writeP99Ms is in milliseconds: did you mean 50?",
        fix: "set writeP99Ms: 50",
      },
      {
        code: "spec/unit",
        path: "services.api.calls[0].timeoutMs",
        message:
          "a 0.25 ms deadline is shorter than any network round trip; timeoutMs is in milliseconds: did you mean 250?",
        fix: "set timeoutMs: 250",
      },
      {
        code: "spec/unit",
        path: "services.api.slo.latencyP99Ms",
        message: "0.02 ms is below any network round trip; latencyP99Ms is in milliseconds: did you mean 20?",
        fix: "set latencyP99Ms: 20",
      },
    ]);
  });

  it("NaN in a latency field or a deadline is one problem (not a number), not also a unit slip", () => {
    const spec = base();
    Object.assign(spec.datastores.accounts, { slo: { writeP99Ms: Number.NaN } });
    spec.services.api.calls[0]!.timeoutMs = Number.NaN;
    const problems = validateTopology(spec).diagnostics;
    expect(problems.map((d) => d.path).sort()).toEqual([
      "datastores.accounts.slo.writeP99Ms",
      "services.api.calls[0].timeoutMs",
    ]);
    expect(problems.some((d) => d.code === "spec/unit")).toBe(false);
  });

  it("replica counts that do not add up", async () => {
    expect((await problemsOf(fixture("replica-count.yaml"))).map(brief)).toEqual([
      {
        code: "spec/replica-count",
        path: "datastores.accounts.placement",
        message: "placement holds 4 replicas (eu-west-1: 2, eu-central-1: 2) but replicas is 5",
        fix: "place 1 more replica or set replicas: 4",
      },
    ]);
  });

  it("a deploy block without its target: the missing field, then a wrong one with did you mean", () => {
    const spec = base() as ReturnType<typeof base> & { services: { api: { deploy?: unknown } } };
    spec.services.api.deploy = { image: "ghcr.io/acme/api:1.0.0", port: 8080 };
    expect(validateTopology(spec).diagnostics.map(brief)).toEqual([
      {
        code: "spec/missing",
        path: "services.api.deploy.target",
        message: 'required field is missing (one of "kubernetes", "aws", "external")',
        fix: "add services.api.deploy.target",
      },
    ]);
    spec.services.api.deploy = { target: "kubernets", image: "ghcr.io/acme/api:1.0.0", port: 8080 };
    expect(validateTopology(spec).diagnostics.map((d) => d.message)).toEqual([
      'string "kubernets" is not one of "kubernetes", "aws", "external": did you mean "kubernetes"?',
    ]);
  });

  it("homeRegion: only on Aurora and DynamoDB, in the placement, a known region", () => {
    const aurora = (homeRegion: string, service = "aurora-postgresql") => {
      const spec = base() as { datastores: Record<string, object> };
      spec.datastores.accounts = {
        replication: "primary-replica",
        replicas: 2,
        placement: { "eu-west-1": 1, "eu-central-1": 1 },
        leader: "eu-west-1",
        deploy: { target: "aws", service, homeRegion },
      };
      return validateTopology(spec).diagnostics.map(brief);
    };
    expect(aurora("eu-central-1")).toEqual([]);
    expect(aurora("us-east-1")).toEqual([
      {
        code: "spec/home-not-placed",
        path: "datastores.accounts.deploy.homeRegion",
        message: 'homeRegion "us-east-1" holds no replica (placement: eu-west-1, eu-central-1)',
        fix: "choose the region the global cluster or table was created in, among eu-west-1, eu-central-1",
      },
    ]);
    expect(aurora("eu-wset-1").map((d) => d.code)).toContain("spec/unknown-region");
    // (A primary-replica store on DynamoDB is a mismatch of its own, on `replication`.)
    expect(aurora("eu-central-1", "dynamodb").map((d) => d.path)).not.toContain(
      "datastores.accounts.deploy.homeRegion",
    );
    expect(aurora("eu-west-1", "s3").map((d) => [d.code, d.path])).toEqual([
      ["spec/deploy-mismatch", "datastores.accounts.deploy.homeRegion"],
    ]);
  });

  it("deploy.protocol: a service's; a datastore's without an engine; an engine's port speaks its own protocol", () => {
    type Part = Record<string, { deploy?: Record<string, string> }>;
    const spec = base() as unknown as { datastores: Part; services: Part };
    const api = { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0", protocol: "grpc" };
    spec.services.api!.deploy = api;
    expect(validateTopology(spec).diagnostics.map(brief)).toEqual([]);
    spec.datastores.accounts!.deploy = { target: "kubernetes", engine: "etcd", protocol: "grpc" };
    expect(validateTopology(spec).diagnostics.map(brief)).toEqual([
      {
        code: "spec/deploy-mismatch",
        path: "datastores.accounts.deploy.protocol",
        message: "deploy.protocol is for a datastore without an engine; etcd speaks its own",
        fix: "drop datastores.accounts.deploy.protocol",
      },
    ]);
    spec.datastores.accounts!.deploy = { target: "kubernetes", image: "cassandra:4.1.7", protocol: "tcp" };
    expect(validateTopology(spec).diagnostics.map(brief)).toEqual([]);
    api.protocol = "tcp";
    expect(validateTopology(spec).diagnostics.map(brief)).toEqual([
      {
        code: "spec/deploy-mismatch",
        path: "services.api.deploy.protocol",
        message:
          "a service's port speaks http or grpc: topoplan routes, probes and measures its requests (tcp is for a datastore's wire protocol)",
        fix: "set services.api.deploy.protocol to http or grpc, or drop it",
      },
    ]);
    api.protocol = "grpc-web";
    expect(validateTopology(spec).diagnostics.map((d) => d.path)).toContain("services.api.deploy.protocol");
  });

  // Passed before, and went unquoted into every alert rule's selector and the ServiceMonitor:
  // filter '{job="api"}' compiled `{topoplan_component="kv",{job="api"}}`.
  it("observability.metrics.filter and path: label matchers (or none) and a request path", () => {
    const spec = base() as unknown as { services: Record<string, Record<string, unknown>> };
    const metrics: Record<string, unknown> = { filter: 'job="api", env!="dev"', path: "/stats/prometheus" };
    spec.services.api!.observability = { metrics };
    expect(validateTopology(spec).diagnostics).toEqual([]);
    metrics.filter = ""; // drops the default reporter="destination"
    expect(validateTopology(spec).diagnostics).toEqual([]);
    metrics.filter = '{job="api"}';
    metrics.path = "metrics";
    expect(validateTopology(spec).diagnostics.map((d) => [d.code, d.path])).toEqual([
      ["spec/invalid-name", "services.api.observability.metrics.filter"],
      ["spec/invalid-name", "services.api.observability.metrics.path"],
    ]);
    metrics.filter = 'job="x"} or up{';
    metrics.path = "/metrics";
    expect(validateTopology(spec).diagnostics.map((d) => d.path)).toEqual([
      "services.api.observability.metrics.filter",
    ]);
  });

  it("deploy.streamingPaths: a service's, each a request path", () => {
    type Part = Record<string, { deploy?: Record<string, unknown> }>;
    const spec = base() as unknown as { datastores: Part; services: Part };
    const api: Record<string, unknown> = { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" };
    spec.services.api!.deploy = api;
    api.streamingPaths = ["/shop.Stock/Watch", "/events"];
    expect(validateTopology(spec).diagnostics.map(brief)).toEqual([]);
    api.streamingPaths = ["events stream"];
    expect(validateTopology(spec).diagnostics.map((d) => [d.code, d.path])).toEqual([
      ["spec/invalid-name", "services.api.deploy.streamingPaths[0]"],
    ]);
    api.streamingPaths = ["/events"];
    spec.datastores.accounts!.deploy = { target: "kubernetes", engine: "etcd", streamingPaths: ["/x"] };
    expect(validateTopology(spec).diagnostics.map((d) => [d.code, d.path])).toEqual([
      ["spec/deploy-mismatch", "datastores.accounts.deploy.streamingPaths"],
    ]);
  });

  it("streams in Istio's request durations, with a latency SLO: a warning; a gRPC service's metrics on its serving port: refused", () => {
    const service = (deploy: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
      const spec = base() as unknown as { services: Record<string, unknown> };
      spec.services.api = {
        regions: ["eu-west-1"],
        calls: [{ to: "accounts", timeoutMs: 200 }],
        deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0", ...deploy },
        ...extra,
      };
      return validateTopology(spec).diagnostics.map((d) => [d.severity, d.code, d.path]);
    };
    expect(service({ streamingPaths: ["/events/"] }, { slo: { latencyP99Ms: 200 } })).toEqual([
      ["warning", "spec/streams-in-latency", "services.api.slo.latencyP99Ms"],
    ]);
    // Its own histogram of unary requests: nothing to say.
    expect(
      service(
        { streamingPaths: ["/events/"] },
        {
          slo: { latencyP99Ms: 200 },
          observability: {
            metrics: { latencyBucket: "rpc_unary_seconds_bucket", latencySum: "rpc_unary_seconds_sum" },
          },
        },
      ),
    ).toEqual([]);
    expect(
      service(
        { protocol: "grpc", port: 9000, metricsPort: 9000 },
        { observability: { metrics: { requests: "rpc_total" } } },
      ),
    ).toEqual([["error", "spec/deploy-mismatch", "services.api.deploy.metricsPort"]]);
    // Scraped on the sidecar (no declared metrics): the serving port is never scraped.
    expect(service({ protocol: "grpc", port: 9000, metricsPort: 9000 })).toEqual([]);
  });

  it("too many replicas placed", () => {
    const spec = base();
    spec.datastores.accounts.placement = { "eu-west-1": 3, "eu-central-1": 2 } as never;
    expect(validateTopology(spec).diagnostics.map(brief)).toEqual([
      {
        code: "spec/replica-count",
        path: "datastores.accounts.placement",
        message: "placement holds 5 replicas (eu-west-1: 3, eu-central-1: 2) but replicas is 3",
        fix: "remove 2 replicas from placement or set replicas: 5",
      },
    ]);
  });

  it("leader not in the placement", async () => {
    expect((await problemsOf(fixture("leader-not-placed.yaml"))).map(brief)).toEqual([
      {
        code: "spec/leader-not-placed",
        path: "datastores.accounts.leader",
        message: 'leader "us-east-1" holds no replica (placement: eu-west-1, eu-central-1)',
        fix: "choose a leader among eu-west-1, eu-central-1, or place replicas in us-east-1",
      },
    ]);
  });

  it("unknown field → did you mean the field it resembles?", async () => {
    expect((await problemsOf(fixture("unknown-field.yaml"))).map(brief)).toEqual([
      {
        code: "spec/unknown-field",
        path: "datastores.accounts.consistensy",
        message: 'unknown field "consistensy": did you mean "consistency"?',
        fix: 'rename "consistensy" to "consistency"',
      },
    ]);
  });

  it("a fix never contradicts its error: an exclusive bound, a placement of the wrong shape, a non-whole count", () => {
    const spec = (store: Record<string, unknown>) =>
      validateTopology({
        name: "t",
        users: { "eu-west-1": 1 },
        datastores: {
          kv: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 }, ...store },
        },
      }).diagnostics.map(brief);
    expect(spec({ slo: { availability: 0 } })).toEqual([
      expect.objectContaining({ path: "datastores.kv.slo.availability", fix: "use a value greater than 0" }),
    ]);
    // The wrong entry is the error; no sum with a "?" in it besides.
    expect(spec({ placement: { "eu-west-1": "two", "eu-central-1": 1 } }).map((d) => d.code)).toEqual([
      "spec/invalid-type",
    ]);
    expect(spec({ replicas: Number.POSITIVE_INFINITY }).map((d) => d.fix)).not.toContainEqual(
      expect.stringContaining("Infinity more"),
    );
  });

  it("did you mean suggests a field of that object only; a field of another place says so", () => {
    const misspelt = validateTopology({ name: "t", servics: {} });
    expect(misspelt.diagnostics.map((d) => d.message)).toEqual([
      'unknown field "servics": did you mean "services"?',
    ]);
    const elsewhere = validateTopology({
      name: "t",
      users: { "eu-west-1": 1 },
      datastores: {
        kv: {
          replication: "consensus",
          replicas: 3,
          placement: { "eu-west-1": 3 },
          deploy: { target: "kubernetes", image: "x:1", engineVersion: "16.10" },
        },
      },
    });
    expect(elsewhere.diagnostics.map(brief)).toEqual([
      {
        code: "spec/unknown-field",
        path: "datastores.kv.deploy.engineVersion",
        message: '"engineVersion" is not a field here (it is one elsewhere in the schema)',
        fix: expect.stringMatching(
          /^remove "engineVersion"; fields here: args, cpu, engine, env, .*storageGi, streamingPaths, target$/,
        ),
      },
    ]);
  });

  it("an unknown top-level field suggests the x- prefix of extension fields", () => {
    const result = validateTopology({ name: "t", owner: "platform" });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map(brief)).toEqual([
      {
        code: "spec/unknown-field",
        path: "owner",
        message: 'unknown field "owner"',
        fix: 'remove "owner", or name it "x-owner" to keep it as an extension field (ignored; a place for YAML anchors)',
      },
    ]);
    expect(validateTopology({ name: "t", "x-owner": "platform" }).ok).toBe(true);
  });

  it("a Pulumi stack settings file given as the spec is named as such, with the spec it points to", async () => {
    const files = readdirSync(join(REPO, "stacks")).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const problems = (await problemsOf(join(REPO, "stacks", file))).map(brief);
      expect(problems, file).toEqual([
        {
          code: "spec/not-a-topology",
          path: "config",
          message:
            "this is a Pulumi stack settings file (a top-level `config:` of project:key settings), not a topology",
          fix: expect.stringMatching(/^pass the topology spec it names instead: stacks\/[a-z-]+\.(ts|yaml)$/),
        },
      ]);
    }
    // A topology with a stray `config` is an ordinary unknown field.
    const stray = validateTopology({ name: "t", config: { "topoplan:x": 1 } });
    expect(stray.diagnostics.map((d) => d.code)).toEqual(["spec/unknown-field"]);
    // Settings that name no spec (or something that is not a path) still get the general advice.
    const bare = validateTopology({
      config: { "aws:region": "eu-west-1", "topoplan:topology": "$(rm -rf /)" },
    });
    expect(bare.diagnostics.map((d) => d.fix)).toEqual([
      "pass the topology spec instead (the file the stack's topoplan:topology setting names)",
    ]);
  });

  it("bad types: integers, objects-or-auto, enums, DNS names, ranges, numbers written with units", async () => {
    expect((await problemsOf(fixture("bad-types.yaml"))).map(brief)).toEqual([
      {
        code: "spec/invalid-type",
        path: "datastores.accounts.partitions.count",
        message: "expected an integer, got number 2.5",
        fix: "make datastores.accounts.partitions.count an integer",
      },
      {
        code: "spec/invalid-type",
        path: "datastores.accounts.placement",
        message: 'expected an object or "auto", got string "everywhere"',
        fix: 'make datastores.accounts.placement an object or "auto"',
      },
      {
        code: "spec/invalid-type",
        path: "datastores.accounts.replicas",
        message: 'expected a number, got string "five"',
        fix: "make datastores.accounts.replicas a number",
      },
      {
        code: "spec/invalid-value",
        path: "datastores.accounts.replication",
        message: 'string "raft" is not one of "consensus", "primary-replica", "multi-leader", "leaderless"',
        fix: 'use one of "consensus", "primary-replica", "multi-leader", "leaderless"',
      },
      {
        code: "spec/invalid-format",
        path: "name",
        message:
          "must be a lowercase DNS label: letters, digits and '-', starting with a letter, at most 40 characters (got \"Shop_Platform\")",
        fix: 'use "shop-platform"',
      },
      {
        code: "spec/invalid-type",
        path: "services.api.calls[0].timeoutMs",
        message: 'expected a number, got string "250ms": did you mean 250?',
        fix: "set services.api.calls[0].timeoutMs to 250 (a bare number of milliseconds)",
      },
      {
        code: "spec/missing-image",
        path: "services.api.deploy.image",
        message: "services.api deploys to kubernetes with neither an image nor an engine",
        fix: "set services.api.deploy.image to the service's image, pinned by tag or digest",
      },
      {
        code: "spec/too-big",
        path: "services.api.deploy.port",
        message: "must be at most 65535 (got 80800)",
        fix: "use a value at most 65535",
      },
      {
        code: "spec/invalid-type",
        path: "services.api.regions",
        message: 'expected an array, got string "eu-west-1"',
        fix: "make services.api.regions an array",
      },
      {
        code: "spec/too-small",
        path: "services.api.replicasPerRegion",
        message: "must be greater than 0 (got 0)",
        fix: "use a value greater than 0",
      },
    ]);
  });

  it("reports several problems of different kinds in one run, sorted by path", async () => {
    const problems = await problemsOf(fixture("many-problems.yaml"));
    // The misspelled placement region has its own finding: the leader's fix does not offer it.
    const leader = problems.find((d) => d.code === "spec/leader-not-placed")!;
    expect(leader.fix).not.toContain("eu-wset-1");
    expect(problems.map((d) => [d.path, d.code])).toEqual([
      ["datastores.accounts.leader", "spec/leader-not-placed"],
      ["datastores.accounts.placement", "spec/replica-count"],
      ["datastores.accounts.placement.eu-wset-1", "spec/unknown-region"],
      ["datastores.accounts.replicaz", "spec/unknown-field"],
      ["datastores.accounts.slo.availability", "spec/too-big"],
      ["datastores.accounts.slo.readP99Ms", "spec/unit"],
      ["services.api.calls[0].to", "spec/unknown-component"],
      ["streams.clicks.consumers[0]", "spec/unknown-service"],
      ["streams.clicks.producers[0]", "spec/unknown-service"],
    ]);
    expect(problems.every((d) => d.severity === "error" && d.fix !== undefined)).toBe(true);
  });

  it("an array of length 0 or a string that is too short says how many", () => {
    const spec = base();
    spec.services.api.regions = [];
    Object.assign(spec, { policies: { suppress: [{ rule: "survival", path: "x", reason: "ok" }] } });
    expect(validateTopology(spec).diagnostics.map((d) => [d.path, d.message])).toEqual([
      [
        "policies.suppress[0].reason",
        'give a reason of at least 10 characters: why is this acceptable? (got "ok")',
      ],
      ["services.api.regions", "must have at least 1 item"],
    ]);
  });

  it('placement "auto" with a residency no catalog region satisfies', () => {
    const spec = base();
    Object.assign(spec.datastores.accounts, { placement: "auto", residency: ["NO"] });
    expect(validateTopology(spec).diagnostics.map(brief)).toEqual([
      {
        code: "spec/no-allowed-region",
        path: "datastores.accounts.placement",
        message: 'placement "auto" has no catalog region to choose from: none lies in NO (residency)',
        fix: "list the replicas per region explicitly (custom sites are never auto-placed), or widen datastores.accounts.residency",
      },
    ]);
  });

  it("quorums and settings that do not apply to the replication model", () => {
    const spec = base();
    Object.assign(spec.datastores.accounts, { quorum: { read: 4, write: 2 }, leaders: ["eu-west-1"] });
    expect(validateTopology(spec).diagnostics.map((d) => [d.path, d.code])).toEqual([
      ["datastores.accounts.leaders", "spec/not-applicable"],
      ["datastores.accounts.quorum", "spec/not-applicable"],
      ["datastores.accounts.quorum.read", "spec/quorum-too-large"],
    ]);
  });

  // Counted as full replicas before: a witness answered leaderless reads, a read-only replica took
  // multi-leader writes.
  it("read-only replicas and witnesses of a store without a leader are refused, with the voters to declare", () => {
    const spec = base();
    Object.assign(spec.datastores.accounts, {
      replication: "leaderless",
      placement: { "eu-west-1": 2, "eu-central-1": { witnesses: 1 } },
    });
    expect(validateTopology(spec).diagnostics.map(brief)).toEqual([
      {
        code: "spec/not-applicable",
        path: "datastores.accounts.placement.eu-central-1.witnesses",
        message:
          "witnesses applies only to a leader's quorum (consensus, primary-replica): every leaderless replica stores writes and answers reads (R and W count them all)",
        fix: 'count them as voters (placement["eu-central-1"]: 1)',
      },
    ]);
    Object.assign(spec.datastores.accounts, {
      replication: "multi-leader",
      placement: { "eu-west-1": 2, "eu-central-1": { voters: 1, readOnly: 1 } },
      replicas: 4,
    });
    expect(validateTopology(spec).diagnostics.map((d) => [d.path, d.fix])).toEqual([
      [
        "datastores.accounts.placement.eu-central-1.readOnly",
        'count them as voters (placement["eu-central-1"]: 2); a region that only serves reads is one left out of leaders',
      ],
    ]);
  });

  it("minInSync above replicas and per-try timeout above the deadline", () => {
    const spec = {
      ...base(),
      services: {
        api: {
          regions: ["eu-west-1"],
          calls: [{ to: "accounts", timeoutMs: 200, perTryTimeoutMs: 300 }],
        },
      },
      streams: { clicks: { partitions: 6, replicas: 2, minInSync: 3, producers: ["api"] } },
    };
    expect(validateTopology(spec).diagnostics.map(brief)).toEqual([
      {
        code: "spec/timeout-order",
        path: "services.api.calls[0].perTryTimeoutMs",
        message: "perTryTimeoutMs 300 exceeds the call's timeoutMs 200",
        fix: "use perTryTimeoutMs ≤ 200",
      },
      {
        code: "spec/quorum-too-large",
        path: "streams.clicks.minInSync",
        message: "minInSync 3 exceeds replicas 2: every acks=all write would fail",
        fix: "use minInSync ≤ 2 (typically replicas − 1)",
      },
    ]);
  });

  it("one name for two components is ambiguous", () => {
    const spec = {
      ...base(),
      streams: { accounts: { partitions: 3, regions: ["eu-west-1"] } },
    };
    expect(validateTopology(spec).diagnostics.map((d) => [d.path, d.message])).toEqual([
      ["streams.accounts", '"accounts" names both a datastore and a stream; calls could not tell them apart'],
    ]);
  });

  it("an AWS service that does not implement the declared replication", () => {
    const spec = base();
    Object.assign(spec.datastores.accounts, { deploy: { target: "aws", service: "dynamodb" } });
    expect(validateTopology(spec).diagnostics.map(brief)).toEqual([
      {
        code: "spec/deploy-mismatch",
        path: "datastores.accounts.deploy.service",
        message:
          '"dynamodb" implements replication: multi-leader (global tables are multi-active (last writer wins)), but this datastore declares consensus',
        fix: 'set replication: "multi-leader", or deploy to a target that implements consensus',
      },
    ]);
  });

  it("a deploy field the AWS service does not read is refused, not ignored", () => {
    const spec = base();
    Object.assign(spec.datastores.accounts, {
      replication: "multi-leader",
      deploy: {
        target: "aws",
        service: "dynamodb",
        bufferCacheHitRatio: 0.99,
        instanceClass: "db.r6g.large",
      },
    });
    expect(validateTopology(spec).diagnostics.map((d) => [d.code, d.path, d.message])).toEqual([
      [
        "spec/deploy-mismatch",
        "datastores.accounts.deploy.bufferCacheHitRatio",
        '"dynamodb" does not read bufferCacheHitRatio (it applies to aurora-postgresql only), so it would change nothing',
      ],
      [
        "spec/deploy-mismatch",
        "datastores.accounts.deploy.instanceClass",
        '"dynamodb" does not read instanceClass (it applies to aurora-postgresql and msk only), so it would change nothing',
      ],
    ]);
  });

  it("a custom site missing fields does not also produce 'unknown region' noise", () => {
    const spec = {
      name: "shop",
      regions: { "tokyo-dc1": { country: "JP", zones: ["a", "b"] } },
      datastores: {
        db: {
          replication: "primary-replica",
          replicas: 2,
          placement: { "tokyo-dc1": 1, "ap-northeast-1": 1 },
        },
      },
    };
    expect(validateTopology(spec).diagnostics.map((d) => [d.path, d.code, d.message])).toEqual([
      ["regions.tokyo-dc1.rttMs", "spec/missing", "required field is missing (expected an object)"],
      [
        "regions.tokyo-dc1.rttMs",
        "spec/unknown-rtt",
        "no round-trip time is known between ap-northeast-1 and tokyo-dc1",
      ],
    ]);
  });

  it("valid specs carry no error diagnostics and come back with defaults applied", () => {
    const result = validateTopology(base());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.diagnostics).toEqual([]);
    expect(result.topology.datastores.accounts?.survive).toBe("zone");
    expect(result.topology.services.api?.calls[0]?.retries).toBe(0);
    expect(result.topology.network).toEqual({ links: [], crossZoneRttMs: 1 });
  });

  it("non-object input is one root problem, not a crash", () => {
    for (const input of [null, [], "name: x", 42]) {
      const result = validateTopology(input);
      expect(result.ok).toBe(false);
      expect(result.diagnostics.map((d) => d.path)).toEqual(["(root)"]);
    }
  });
});

describe("endpoint variables of two callees meet (model/endpoint-env.ts)", () => {
  /** A service on Kubernetes calling S3 buckets `media` (writing) and `media-write` (reading). */
  const spec = (callers: Record<string, readonly string[]>) => {
    const bucket = {
      replication: "primary-replica",
      replicas: 2,
      placement: { "eu-west-1": 1, "eu-central-1": 1 },
      leader: "eu-west-1",
      deploy: { target: "aws", service: "s3" },
    };
    const service = (to: readonly string[]) => ({
      regions: ["eu-west-1"],
      calls: to.map((name) => ({ to: name, op: name === "media" ? "write" : "read", timeoutMs: 500 })),
      deploy: { target: "kubernetes", image: "ghcr.io/acme/api:1.0.0" },
    });
    return {
      name: "shop",
      datastores: { media: bucket, "media-write": bucket },
      services: Object.fromEntries(Object.entries(callers).map(([name, to]) => [name, service(to)])),
    };
  };

  it("one service calling `media` and `media-write`: both would set TOPOPLAN_MEDIA_WRITE_BUCKET", () => {
    const result = validateTopology(spec({ api: ["media", "media-write"] }));
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map(brief)).toEqual([
      {
        code: "spec/endpoint-env-clash",
        path: "datastores.media-write",
        message:
          "api writes to media and uses media-write, and both would set TOPOPLAN_MEDIA_WRITE_BUCKET and TOPOPLAN_MEDIA_WRITE_REGION in its pods (where each callee answers): one would silently replace the other",
        fix: "rename media-write (or media) so that no callee's name is another's followed by \"-\" and the first word of one of its variables (write)",
      },
    ]);
  });

  it("each called by a service of its own: no pod gets both", () => {
    expect(validateTopology(spec({ api: ["media"], thumbs: ["media-write"] })).diagnostics).toEqual([]);
  });

  it("a service that only reads both: _WRITE_ variables are a writer's only", () => {
    const readOnly = spec({ api: ["media-write"] });
    readOnly.services.api!.calls.push({ to: "media", op: "read", timeoutMs: 500 });
    expect(validateTopology(readOnly).diagnostics).toEqual([]);
  });

  it("MSK streams a service produces to and consumes from, declared on the streams", () => {
    const cluster = (members: Record<string, string[]>) => ({
      regions: ["eu-west-1"],
      partitions: 6,
      replicas: 3,
      deploy: { target: "aws", service: "msk" },
      ...members,
    });
    const result = validateTopology({
      name: "shop",
      streams: {
        events: cluster({ producers: ["worker"] }),
        "events-produce": cluster({ consumers: ["worker"] }),
      },
      services: {
        worker: {
          regions: ["eu-west-1"],
          deploy: { target: "kubernetes", image: "ghcr.io/acme/worker:1.0.0" },
        },
      },
    });
    expect(result.diagnostics.map((d) => [d.code, d.path, d.message])).toEqual([
      [
        "spec/endpoint-env-clash",
        "streams.events-produce",
        "worker writes to events and uses events-produce, and both would set TOPOPLAN_EVENTS_PRODUCE_BOOTSTRAP in its pods (where each callee answers): one would silently replace the other",
      ],
    ]);
  });
});

describe("a check's lookup by a name the spec gives", () => {
  // Also said `AWS service "constructor" cannot host datastores: undefined` (a prototype key).
  it("an AWS service named like an Object property: the unknown value only", () => {
    const result = validateTopology({
      name: "shop",
      datastores: {
        db: {
          replication: "primary-replica",
          replicas: 2,
          placement: { "eu-west-1": 1, "eu-central-1": 1 },
          deploy: { target: "aws", service: "constructor" },
        },
      },
    });
    expect(result.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ["spec/invalid-value", "datastores.db.deploy.service"],
    ]);
  });

  it("an engine named like an Object property, on a geo-partitioned store: the unknown value only", () => {
    const result = validateTopology({
      name: "shop",
      datastores: {
        db: {
          replication: "consensus",
          replicas: 3,
          partitions: { count: 3, strategy: "geo" },
          placement: { "eu-west-1": 1, "eu-central-1": 1, "eu-west-2": 1 },
          deploy: { target: "kubernetes", engine: "constructor" },
        },
      },
    });
    expect(result.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ["spec/invalid-value", "datastores.db.deploy.engine"],
    ]);
  });
});
