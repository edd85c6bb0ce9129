import { describe, expect, it } from "vitest";
import { specLocator } from "../../src/report/locate/index.js";

const ts = `import { defineTopology } from "topoplan";

const base = {
  replication: "consensus",
  replicas: 3,
} as const;

const accounts = { ...base, placement: { "eu-west-1": 3 } };

export default defineTopology({
  name: "t",
  datastores: {
    accounts,
    "odd-name": { ...base, placement: "auto" },
  },
  services: { api: { regions: ["eu-west-1"], calls: [{ to: "accounts", timeoutMs: 5 }] } },
} satisfies object);
`;

const yaml = `name: t
datastores:
  accounts:
    replication: consensus
    placement: {eu-west-1: 3}
services:
  api:
    calls:
      - to: accounts
        timeoutMs: 5
`;

describe("spec locations", () => {
  it("TypeScript: follows defineTopology, satisfies, shorthand properties and spreads of local consts", async () => {
    const at = await specLocator({ format: "typescript", text: ts, file: "/x/spec.ts" });
    expect(at("datastores.accounts")).toEqual({ line: 13, column: 5 });
    expect(at("datastores.accounts.placement")).toEqual({ line: 8, column: 29 });
    expect(at("datastores.accounts.replicas")).toEqual({ line: 5, column: 3 });
    expect(at('datastores["odd-name"].placement')).toEqual({ line: 14, column: 28 });
    expect(at("services.api.calls[0].timeoutMs")).toEqual({ line: 16, column: 72 });
    // A path the spec does not spell out points at the nearest written parent.
    expect(at("services.api.slo.latencyP99Ms")).toEqual({ line: 16, column: 15 });
    expect(at("(root)")).toEqual({ line: 10, column: 31 });
  });

  it("YAML and JSON: keys in block and flow style, sequence items", async () => {
    const at = await specLocator({ format: "yaml", text: yaml, file: "/x/spec.yaml" });
    expect(at("datastores.accounts.placement")).toEqual({ line: 5, column: 5 });
    expect(at("datastores.accounts.placement.eu-west-1")).toEqual({ line: 5, column: 17 });
    expect(at("services.api.calls[0]")).toEqual({ line: 9, column: 9 });
    expect(at("services.api.calls[0].timeoutMs")).toEqual({ line: 10, column: 9 });
    expect(at("services.api.calls[3].timeoutMs")).toEqual({ line: 8, column: 5 });
    const json = await specLocator({
      format: "json",
      text: '{\n  "name": "t",\n  "services": {\n    "api": {}\n  }\n}\n',
      file: "/x/spec.json",
    });
    expect(json("services.api")).toEqual({ line: 4, column: 5 });
  });
});
