import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SCHEMA_FILE, topologyValidatorModule, VALIDATOR_FILE } from "../../scripts/write-schema.js";
import { validateWithJsonSchema } from "../../src/spec/ajv.js";
import { fieldVocabulary, topologyJsonSchema, topologyJsonSchemaText } from "../../src/spec/json-schema.js";
import { loadSpec } from "../../src/spec/load/index.js";
import { Topology } from "../../src/spec/schema/topology.js";
import { REPO } from "./problems.js";

describe("schema/topology.schema.json", () => {
  it("is up to date with the zod schema (run `npm run schema` when this fails)", () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(topologyJsonSchemaText());
  });

  it("its precompiled ajv validator is up to date (run `npm run schema` when this fails)", () => {
    expect(readFileSync(VALIDATOR_FILE, "utf8")).toBe(topologyValidatorModule());
  });

  it("says it is generated and where from", () => {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as Record<string, unknown>;
    expect(Object.keys(schema).slice(0, 3)).toEqual(["$schema", "$id", "$comment"]);
    expect(schema.$comment).toMatch(/^GENERATED from topoplan's zod spec .* do not edit by hand/);
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });

  it("describes the v1 contract's top-level fields and requires only name", () => {
    const schema = topologyJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual([
      "$schema",
      "name",
      "description",
      "users",
      "regions",
      "datastores",
      "services",
      "streams",
      "network",
      "model",
      "policies",
    ]);
    expect(schema.required).toEqual(["name"]);
    expect([...fieldVocabulary()]).toEqual(
      expect.arrayContaining(["replicas", "placement", "minInSync", "perTryTimeoutMs", "rttMs"]),
    );
  });
});

/** Every spec that must be valid: the examples users copy, and the valid fixtures. */
const VALID = [
  ...readdirSync(join(REPO, "stacks"))
    .filter((f) => /\.(ts|ya?ml|json)$/.test(f) && !f.startsWith("Pulumi."))
    .map((f) => `stacks/${f}`),
  ...readdirSync(join(REPO, "test/fixtures/valid")).map((f) => `test/fixtures/valid/${f}`),
];

const valid = () => ({
  name: "shop",
  datastores: { kv: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } } },
  services: { api: { regions: ["eu-west-1"], calls: [{ to: "kv", timeoutMs: 100 }] } },
  streams: { clicks: { partitions: 6, producers: ["api"] } },
});
type Spec = ReturnType<typeof valid>;

/** Shape errors both validators must catch (semantic ones are zod-side only and not listed). */
const INVALID: Readonly<Record<string, (spec: Spec) => unknown>> = {
  "missing name": ({ name: _, ...rest }) => rest,
  "name not a DNS label": (s) => ({ ...s, name: "Shop_Platform" }),
  "unknown top-level field": (s) => ({ ...s, servics: {} }),
  "unknown datastore field": (s) => ({ ...s, datastores: { kv: { ...s.datastores.kv, replicaz: 3 } } }),
  "replication not in the enum": (s) => ({
    ...s,
    datastores: { kv: { ...s.datastores.kv, replication: "raft" } },
  }),
  "replicas a string": (s) => ({ ...s, datastores: { kv: { ...s.datastores.kv, replicas: "3" } } }),
  "replicas not an integer": (s) => ({ ...s, datastores: { kv: { ...s.datastores.kv, replicas: 2.5 } } }),
  "replicas zero": (s) => ({ ...s, datastores: { kv: { ...s.datastores.kv, replicas: 0 } } }),
  "placement neither object nor auto": (s) => ({
    ...s,
    datastores: { kv: { ...s.datastores.kv, placement: "everywhere" } },
  }),
  "placement count negative": (s) => ({
    ...s,
    datastores: { kv: { ...s.datastores.kv, placement: { "eu-west-1": -3 } } },
  }),
  "region code with capitals": (s) => ({
    ...s,
    datastores: { kv: { ...s.datastores.kv, placement: { "EU-West-1": 3 } } },
  }),
  "component name with capitals": (s) => ({ ...s, datastores: { KV: s.datastores.kv } }),
  "availability as a percentage": (s) => ({
    ...s,
    datastores: { kv: { ...s.datastores.kv, slo: { availability: 99.99 } } },
  }),
  "availability of exactly 1": (s) => ({
    ...s,
    services: { api: { ...s.services.api, slo: { availability: 1 } } },
  }),
  "negative latency": (s) => ({
    ...s,
    services: { api: { ...s.services.api, slo: { latencyP99Ms: -5 } } },
  }),
  "retries above 10": (s) => ({
    ...s,
    services: { api: { ...s.services.api, calls: [{ to: "kv", timeoutMs: 100, retries: 50 }] } },
  }),
  "call without timeout": (s) => ({ ...s, services: { api: { ...s.services.api, calls: [{ to: "kv" }] } } }),
  "regions a string": (s) => ({ ...s, services: { api: { ...s.services.api, regions: "eu-west-1" } } }),
  "regions empty": (s) => ({ ...s, services: { api: { ...s.services.api, regions: [] } } }),
  "deploy target unknown": (s) => ({
    ...s,
    services: { api: { ...s.services.api, deploy: { target: "nomad" } } },
  }),
  "kubernetes deploy with an unknown engine": (s) => ({
    ...s,
    services: { api: { ...s.services.api, deploy: { target: "kubernetes", engine: "mongodb" } } },
  }),
  "port out of range": (s) => ({
    ...s,
    services: { api: { ...s.services.api, deploy: { target: "kubernetes", image: "a:1", port: 80800 } } },
  }),
  "delivery not in the enum": (s) => ({
    ...s,
    streams: { clicks: { ...s.streams.clicks, delivery: "exactly-twice" } },
  }),
  "link with one region": (s) => ({ ...s, network: { links: [{ between: ["eu-west-1"] }] } }),
  "custom region without zones": (s) => ({
    ...s,
    regions: { "dc-1": { country: "DE", rttMs: { "eu-central-1": 5 } } },
  }),
  "custom region with a lowercase country": (s) => ({
    ...s,
    regions: { "dc-1": { country: "de", zones: ["a"], rttMs: {} } },
  }),
  "policy threshold that is an object": (s) => ({ ...s, policies: { "bandwidth.headroom": { value: 0.7 } } }),
  "suppression without reason": (s) => ({
    ...s,
    policies: { suppress: [{ rule: "survival", path: "datastores.kv" }] },
  }),
  "top level not an object": () => ["name", "shop"],
};

describe("JSON Schema and zod agree", () => {
  it.each(VALID)("%s passes both", async (file) => {
    const { data } = await loadSpec(file);
    expect(Topology.safeParse(data).error?.issues ?? []).toEqual([]);
    expect(validateWithJsonSchema(data)).toEqual([]);
  });

  it("the base of the invalid cases is itself valid for both", () => {
    expect(Topology.safeParse(valid()).success).toBe(true);
    expect(validateWithJsonSchema(valid())).toEqual([]);
  });

  it.each(Object.entries(INVALID))("%s: both reject", (_, breakIt) => {
    const spec = breakIt(valid());
    expect(Topology.safeParse(spec).success).toBe(false);
    expect(validateWithJsonSchema(spec).length).toBeGreaterThan(0);
  });

  it("top-level x- extension fields pass the published schema (editors), other unknown keys do not", () => {
    expect(validateWithJsonSchema({ ...valid(), "x-defaults": { regions: ["eu-west-1"] } })).toEqual([]);
    expect(validateWithJsonSchema({ ...valid(), defaults: {} }).map((d) => d.code)).toEqual([
      "spec/unknown-field",
    ]);
  });

  it("ajv names the path and suggests the field for an unknown key, as zod does", () => {
    const spec = INVALID["unknown datastore field"]!(valid());
    expect(validateWithJsonSchema(spec)).toEqual([
      {
        code: "spec/unknown-field",
        severity: "error",
        path: "datastores.kv.replicaz",
        message: 'unknown field "replicaz": did you mean "replicas"?',
        fix: 'rename "replicaz" to "replicas"',
      },
    ]);
  });
});
