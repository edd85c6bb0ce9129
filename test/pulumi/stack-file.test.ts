import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/diagnostics/diagnostic.js";
import { readStackFile } from "../../src/pulumi/stack-file.js";

const dir = mkdtempSync(join(tmpdir(), "topoplan-stack-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe("readStackFile (diff --stack-config)", () => {
  it("reads the topoplan:* settings as the program does: the stack's name, network and CIDRs", async () => {
    const path = file(
      "Pulumi.prod.yaml",
      [
        "config:",
        "  pulumi:disable-default-providers: ['*']",
        "  topoplan:clusters:",
        "    eu-west-1:",
        "      kubeconfig:",
        "        secure: v1:AAAABBBB",
        "      eksClusterName: prod-eu",
        "  topoplan:regionCidrs:",
        "    eu-west-1: [10.1.0.0/16]",
        "",
      ].join("\n"),
    );
    const { stack, options } = await readStackFile(path, "--stack-config", "stacks/shop.ts");
    expect(stack).toBe("prod");
    expect(options.aws?.stack).toBe("prod");
    expect(options.kubernetes?.regionCidrs).toEqual({ "eu-west-1": ["10.1.0.0/16"] });
    expect(options.awsAccess?.eksClusterNames).toEqual({ "eu-west-1": "prod-eu" });
  });

  // What `pulumi config set` writes: structured settings as JSON text, as the program parses them.
  it("reads structured settings stored as JSON text", async () => {
    const path = file(
      "Pulumi.cli.yaml",
      [
        "config:",
        '  topoplan:installAddons: "true"',
        `  topoplan:regionCidrs: '{"eu-west-1":["10.0.0.0/16"]}'`,
        "",
      ].join("\n"),
    );
    const { options } = await readStackFile(path, "--stack-config", "stacks/shop.ts");
    expect(options.prerequisites?.installAddons).toBe(true);
    expect(options.kubernetes?.regionCidrs).toEqual({ "eu-west-1": ["10.0.0.0/16"] });
  });

  it("refuses a file not named Pulumi.<stack>.yaml, or a setting of the wrong shape, naming it", async () => {
    const refused = (path: string) =>
      readStackFile(path, "--stack-config", "s.ts").then(
        () => [],
        (error: unknown) => (error instanceof InputError ? error.diagnostics.map((d) => d.path) : ["thrown"]),
      );
    expect(await refused(file("stack.yaml", "config: {}\n"))).toEqual(["--stack-config"]);
    expect(await refused(file("Pulumi.bad.yaml", "config:\n  topoplan:regionCidrs: [10.0.0.0/8]\n"))).toEqual(
      ["--stack-config topoplan:regionCidrs"],
    );
    expect(await refused(join(dir, "Pulumi.missing.yaml"))).toEqual(["--stack-config"]);
  });
});
