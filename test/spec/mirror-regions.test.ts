/**
 * `mirrorRegions` on a Kubernetes stream without the kafka engine compiles nothing, yet the
 * analysis would price the mirror: invalid input at the exact field, `topoplan check` exits 2.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { validateTopology } from "../../src/spec/validate.js";
import { checkProblems } from "./problems.js";

const spec = (deploy: Record<string, unknown>, mirrorRegions?: string[]): TopologyInput =>
  ({
    name: "shop",
    streams: {
      orders: {
        regions: ["eu-west-1"],
        partitions: 3,
        replicas: 3,
        minInSync: 2,
        ...(mirrorRegions === undefined ? {} : { mirrorRegions }),
        deploy,
      },
    },
  }) as unknown as TopologyInput;

const findings = (t: TopologyInput) =>
  validateTopology(t)
    .diagnostics.filter((d) => d.code === "spec/mirror-not-compiled")
    .map((d) => [d.path, d.severity]);

describe("spec/mirror-not-compiled", () => {
  test.each([
    [
      "generic image with mirrorRegions",
      { target: "kubernetes", image: "ghcr.io/acme/kafka:1.0" },
      ["us-east-1"],
      [["streams.orders.mirrorRegions", "error"]],
    ],
    ["kafka engine with mirrorRegions", { target: "kubernetes", engine: "kafka" }, ["us-east-1"], []],
    [
      "generic image without mirrorRegions",
      { target: "kubernetes", image: "ghcr.io/acme/kafka:1.0" },
      undefined,
      [],
    ],
    ["MSK with mirrorRegions", { target: "aws", service: "msk" }, ["us-east-1"], []],
  ] as const)("%s", (_, deploy, mirrors, expected) => {
    expect(findings(spec(deploy, mirrors === undefined ? undefined : [...mirrors]))).toEqual(expected);
  });

  test("the message names the regions and the fix sets the engine", () => {
    const d = validateTopology(
      spec({ target: "kubernetes", image: "ghcr.io/acme/kafka:1.0" }, ["us-east-1"]),
    ).diagnostics.find((x) => x.code === "spec/mirror-not-compiled");
    expect(d?.message).toContain("us-east-1");
    expect(d?.fix).toContain('streams.orders.deploy.engine to "kafka"');
  });
});

describe("topoplan check", () => {
  const scratch = mkdtempSync(join(tmpdir(), "topoplan-mirror-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test("a generic image with mirrorRegions exits 2 with the finding at mirrorRegions", async () => {
    const file = join(scratch, "shop.yaml");
    writeFileSync(
      file,
      [
        "name: shop",
        "streams:",
        "  orders:",
        "    regions: [eu-west-1]",
        "    mirrorRegions: [us-east-1]",
        "    partitions: 3",
        "    replicas: 3",
        "    minInSync: 2",
        "    deploy: { target: kubernetes, image: ghcr.io/acme/kafka:1.0 }",
        "",
      ].join("\n"),
    );
    const found = await checkProblems(file);
    expect(found.map((f) => [f.ruleId, f.path])).toEqual([
      ["spec/mirror-not-compiled", "streams.orders.mirrorRegions"],
    ]);
  });
});
