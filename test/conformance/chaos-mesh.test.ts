/**
 * Chaos Mesh has no published TypeScript models, so the generated Schedules are checked against a
 * JSON Schema of exactly the fields topoplan uses, transcribed from Chaos Mesh's CRDs:
 *
 * - NetworkChaos spec: chaos-mesh/chaos-mesh `config/crd/bases/chaos-mesh.org_networkchaos.yaml`
 *   at commit 46349958844d108eef167d52b468b7090ee9c193 (and `api/v1alpha1/networkchaos_types.go`
 *   at 88021c31cd2e210d687ab252f3ea6821e20ef10a): required action, mode, selector; action enum;
 *   mode enum; direction enum; target {mode, selector} required; externalTargets string[].
 * - Schedule spec: `config/crd/bases/chaos-mesh.org_schedules.yaml` at commit
 *   1e6f5668eb57f95ebeee11e7ec1fc7b7aefd9b45 and `api/v1alpha1/schedule_types.go` at
 *   0b4de9f9f70d6ab4b8ed1fcdfdd1031ce64f3189: required schedule, type; concurrencyPolicy enum
 *   Forbid|Allow; historyLimit minimum 1; startingDeadlineSeconds > 0; the chaos spec inline under
 *   its kind (`networkChaos`).
 * `additionalProperties: false` everywhere, so a misspelt or invented field fails.
 */
import { Ajv } from "ajv";
import { describe, expect, test } from "vitest";
import { compileChaos, TYPES } from "../../src/compile/chaos/index.js";
import { smallModel } from "../compile/observability/fixture.js";
import { readStack } from "./promtool/stacks.js";

const MODE = { enum: ["one", "all", "fixed", "fixed-percent", "random-max-percent"] };
const STRING_MAP = { type: "object", additionalProperties: { type: "string" } };
const SELECTOR = {
  type: "object",
  additionalProperties: false,
  properties: {
    namespaces: { type: "array", items: { type: "string" } },
    labelSelectors: STRING_MAP,
    nodeSelectors: STRING_MAP,
    annotationSelectors: STRING_MAP,
  },
};
const NETWORK_CHAOS_SPEC = {
  type: "object",
  additionalProperties: false,
  required: ["action", "mode", "selector"],
  properties: {
    action: { enum: ["netem", "delay", "loss", "duplicate", "corrupt", "partition", "bandwidth"] },
    mode: MODE,
    value: { type: "string" },
    selector: SELECTOR,
    direction: { enum: ["to", "from", "both", ""] },
    target: {
      type: "object",
      additionalProperties: false,
      required: ["mode", "selector"],
      properties: { mode: MODE, value: { type: "string" }, selector: SELECTOR },
    },
    externalTargets: { type: "array", items: { type: "string" } },
    duration: { type: "string", pattern: "^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$" },
  },
};
const SCHEDULE = {
  type: "object",
  additionalProperties: false,
  required: ["apiVersion", "kind", "metadata", "spec"],
  properties: {
    apiVersion: { const: "chaos-mesh.org/v1alpha1" },
    kind: { const: "Schedule" },
    metadata: {
      type: "object",
      required: ["name", "namespace"],
      properties: {
        name: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", maxLength: 63 },
        namespace: { type: "string" },
        labels: STRING_MAP,
        annotations: STRING_MAP,
      },
    },
    spec: {
      type: "object",
      additionalProperties: false,
      required: ["schedule", "type"],
      properties: {
        schedule: { type: "string", minLength: 1 },
        startingDeadlineSeconds: { type: "integer", exclusiveMinimum: 0 },
        concurrencyPolicy: { enum: ["Forbid", "Allow"] },
        historyLimit: { type: "integer", minimum: 1 },
        type: { const: "NetworkChaos" },
        networkChaos: NETWORK_CHAOS_SPEC,
      },
    },
  },
};

const validate = new Ajv({ allErrors: true, strict: true }).compile(SCHEDULE);
const models = [{ name: "small fixture", model: smallModel() }, ...(await readStack())];

describe.each(models)("Chaos Mesh conformance: $name", ({ model }) => {
  test("every Schedule (and its NetworkChaos) matches the CRD shape", () => {
    const plan = compileChaos(model, undefined, { regionCidrs: { "eu-west-1": ["10.0.0.0/16"] } });
    for (const r of plan) {
      expect(r.type).toBe(TYPES.schedule);
      expect(validate(r.inputs), `${r.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});

test("the shape check is live: an unknown field or a bad enum is rejected", () => {
  const r = compileChaos(smallModel())[0]!;
  const bad = structuredClone(r.inputs) as { spec: { networkChaos: Record<string, unknown> } };
  bad.spec.networkChaos.direction = "sideways";
  expect(validate(bad)).toBe(false);
  const extra = structuredClone(r.inputs) as { spec: Record<string, unknown> };
  extra.spec.concurrency = "Forbid";
  expect(validate(extra)).toBe(false);
});
