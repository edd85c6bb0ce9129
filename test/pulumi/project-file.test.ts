import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROLLOUT_IMAGE } from "../../src/compile/kubernetes/rollout.js";
import { CONFIG_KEYS } from "../../src/pulumi/config.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const schema = JSON.parse(
  readFileSync(new URL("./schemas/pulumi-project.schema.json", import.meta.url), "utf8"),
);
interface ConfigDeclaration {
  readonly type?: string;
  readonly description?: string;
  readonly default?: unknown;
}
const project = parse(readFileSync(`${root}Pulumi.yaml`, "utf8")) as {
  name: string;
  runtime: unknown;
  main: string;
  stackConfigDir: string;
  backend: unknown;
  config: Record<string, ConfigDeclaration>;
};
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

describe("Pulumi.yaml", () => {
  it("is valid against Pulumi's own project schema", () => {
    const ok = validate(project);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("the vendored schema still rejects what the CLI rejects (guards against a loosened copy)", () => {
    expect(validate({ ...project, runtime: { name: "nodejs", typo: 1 } })).toBe(false);
    expect(validate({ ...project, backend: { url: "file://.", x: 1 } })).toBe(false);
    expect(validate({ ...project, name: "" })).toBe(false);
  });

  it("runs src/pulumi/program.ts with tsx instead of Pulumi's ts-node", () => {
    expect(project.name).toBe("topoplan");
    expect(project.runtime).toEqual({
      name: "nodejs",
      options: { typescript: false, nodeargs: "--import tsx", packagemanager: "npm" },
    });
    expect(project.main).toBe("src/pulumi/program.ts");
    expect(existsSync(`${root}${project.main}`)).toBe(true);
  });

  it("keeps stack configs in stacks/ and state in the git-ignored local backend", () => {
    expect(project.stackConfigDir).toBe("stacks");
    expect(project.backend).toEqual({ url: "file://./.pulumi-state" });
    expect(readFileSync(`${root}.gitignore`, "utf8").split("\n")).toContain(".pulumi-state/");
  });

  it("declares exactly the settings the program reads, project-namespaced, with types", () => {
    expect(Object.keys(project.config).sort()).toEqual(Object.keys(CONFIG_KEYS).sort());
    for (const [key, kind] of Object.entries(CONFIG_KEYS)) {
      // Structured values (maps, lists, booleans) arrive as JSON text; strings as they are.
      const types = kind === "json" ? ["object", "array", "boolean"] : ["string"];
      expect(types, key).toContain(project.config[key]?.type);
    }
    for (const [key, decl] of Object.entries(project.config)) {
      expect(key, "project keys are implicitly topoplan:<key>").not.toContain(":");
      expect(typeof decl.description, key).toBe("string");
    }
    expect(project.config.failOn?.default).toBe("error");
  });

  it("gives every optional setting a default: the CLI requires every declared key without one", () => {
    // pulumi/pulumi#21797: a key declared in Pulumi.yaml without a default must be set in every
    // stack ("Stack '…' is missing configuration values …"), however the program reads it.
    const required = Object.entries(project.config)
      .filter(([, decl]) => decl.default === undefined)
      .map(([key]) => key);
    expect(required).toEqual(["topology"]);
    for (const stack of ["control-plane", "edge-cache", "global-kv", "hybrid", "service-mesh", "streaming"]) {
      const config = (
        parse(readFileSync(`${root}stacks/Pulumi.${stack}.yaml`, "utf8")) as {
          config: Record<string, unknown>;
        }
      ).config;
      for (const key of required)
        expect(config, `${stack}: topoplan:${key}`).toHaveProperty([`topoplan:${key}`]);
    }
    expect(project.config.rolloutImage?.default).toBe(ROLLOUT_IMAGE);
  });
});
