import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main, terminalIo } from "../../src/cli/main.js";
import { compilePlan } from "../../src/compile/index.js";
import { InputError } from "../../src/diagnostics/diagnostic.js";
import { topologyFromData } from "../../src/pipeline.js";

/**
 * Resource names join component names with "-": a → to-b and a-to → b both make the
 * DestinationRule a-to-to-b. That is the spec's problem to fix (rename one), reported as input
 * (exit 2, the components' paths), not an internal error.
 */
const spec = {
  name: "dr",
  users: { "us-east-1": 1 },
  services: {
    a: {
      regions: ["us-east-1"],
      calls: [{ to: "to-b", timeoutMs: 500 }],
      deploy: { target: "kubernetes", image: "x/a:1" },
    },
    "a-to": {
      regions: ["us-east-1"],
      calls: [{ to: "b", timeoutMs: 500 }],
      deploy: { target: "kubernetes", image: "x/a-to:1" },
    },
    "to-b": { regions: ["us-east-1"], deploy: { target: "kubernetes", image: "x/to-b:1" } },
    b: { regions: ["us-east-1"], deploy: { target: "kubernetes", image: "x/b:1" } },
  },
};

describe("components whose names join into the same resource name", () => {
  const dir = mkdtempSync(join(tmpdir(), "topoplan-collision-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("are an input error naming both components and the fix", () => {
    const { model } = topologyFromData({
      file: "dr.ts",
      format: "typescript",
      text: "",
      data: spec as never,
    });
    let thrown: unknown;
    try {
      compilePlan(model);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    const [problem, ...rest] = (thrown as InputError).diagnostics;
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({
      code: "compile/name-collision",
      path: "services.a-to",
      severity: "error",
    });
    expect(problem!.message).toContain(
      "services.a and services.a-to compile to the same resource name us-east-1/dr/DestinationRule/a-to-to-b",
    );
    expect(problem!.fix).toBe("rename one of a and a-to, e.g. a-to → a-to-svc");
  });

  it("make render exit 2 and write nothing", async () => {
    const file = join(dir, "dr.json");
    writeFileSync(file, JSON.stringify(spec));
    let stderr = "";
    const io = terminalIo(
      () => undefined,
      (t) => {
        stderr += t;
      },
      false,
    );
    const code = await main(["render", file, "--out", join(dir, "out")], io);
    expect(code).toBe(2);
    expect(stderr).toContain("[compile/name-collision]");
    expect(stderr).not.toContain("internal error");
  });

  // diff compiles only what an edit can change (src/diff/compared-plans.ts): adding a-to leaves a
  // (which calls to-b) unchanged, yet a's DestinationRule is the one a-to's meets.
  it("make diff exit 2 when the edit adds one of them and leaves the other alone", async () => {
    const { "a-to": _added, ...rest } = spec.services;
    const before = join(dir, "before.json");
    const after = join(dir, "after.json");
    writeFileSync(before, JSON.stringify({ ...spec, services: rest }));
    writeFileSync(after, JSON.stringify(spec));
    let stderr = "";
    const io = terminalIo(
      () => undefined,
      (t) => {
        stderr += t;
      },
      false,
    );
    const code = await main(["diff", before, after], io);
    expect(code).toBe(2);
    expect(stderr).toContain("[compile/name-collision]");
    expect(stderr).toContain("services.a and services.a-to");
  });
});
