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

/** The CLI's exit code and what it wrote to stderr. */
async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const io = terminalIo(
    () => undefined,
    (t) => {
      stderr += t;
    },
    false,
  );
  const code = await main(args, io);
  return { code, stderr };
}

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
    const { code, stderr } = await run(["render", file, "--out", join(dir, "out")]);
    expect(code).toBe(2);
    expect(stderr).toContain("[compile/name-collision]");
    expect(stderr).not.toContain("internal error");
  });

  // One component's own names meet: api's DestinationRules to cache's members (Redis clients dial
  // them) and to a service named cache-members. diff compiles api though an edit leaves it alone.
  it("of one component's calls are an input error too, found by diff whatever the edit", async () => {
    const calling = {
      name: "shop",
      users: { "eu-west-1": 1 },
      datastores: {
        cache: {
          replication: "primary-replica",
          replicas: 3,
          placement: { "eu-west-1": 3 },
          leader: "eu-west-1",
          deploy: { target: "kubernetes", engine: "redis" },
        },
      },
      services: {
        api: {
          regions: ["eu-west-1"],
          calls: [
            { to: "cache", timeoutMs: 200 },
            { to: "cache-members", timeoutMs: 200 },
          ],
          deploy: { target: "kubernetes", image: "x/api:1" },
        },
        "cache-members": { regions: ["eu-west-1"], deploy: { target: "kubernetes", image: "x/cm:1" } },
        far: { regions: ["eu-west-1"], deploy: { target: "kubernetes", image: "x/far:1" } },
      },
    };
    const before = join(dir, "calls-before.json");
    const after = join(dir, "calls-after.json");
    writeFileSync(before, JSON.stringify(calling));
    const edited = structuredClone(calling);
    edited.services.far.deploy.image = "x/far:2";
    writeFileSync(after, JSON.stringify(edited));
    const { code, stderr } = await run(["diff", before, after]);
    expect(code).toBe(2);
    expect(stderr).toContain("[compile/name-collision]");
    // The terminal report wraps lines.
    expect(stderr.replace(/\s+/g, " ")).toContain(
      "services.api makes two resources named eu-west-1/shop/DestinationRule/api-to-cache-members",
    );
    expect(stderr).toContain("rename cache-members, e.g. cache-members → cache-members-svc");
    // Another such pair among its calls is not the one to rename.
    const more = structuredClone(calling) as typeof calling & { services: Record<string, unknown> };
    more.services.api.calls.push({ to: "a", timeoutMs: 200 }, { to: "a-b", timeoutMs: 200 });
    more.services.a = { regions: ["eu-west-1"], deploy: { target: "kubernetes", image: "x/a:1" } };
    more.services["a-b"] = { regions: ["eu-west-1"], deploy: { target: "kubernetes", image: "x/ab:1" } };
    writeFileSync(after, JSON.stringify(more));
    const again = await run(["render", after, "--out", join(dir, "out-more")]);
    expect(again.code).toBe(2);
    expect(again.stderr.replace(/\s+/g, " ")).toContain("those of cache and cache-members meet");
  });

  // diff compiles only what an edit can change (src/diff/compared-plans.ts): adding a-to leaves a
  // (which calls to-b) unchanged, yet a's DestinationRule is the one a-to's meets.
  it("make diff exit 2 when the edit adds one of them and leaves the other alone", async () => {
    const { "a-to": _added, ...rest } = spec.services;
    const before = join(dir, "before.json");
    const after = join(dir, "after.json");
    writeFileSync(before, JSON.stringify({ ...spec, services: rest }));
    writeFileSync(after, JSON.stringify(spec));
    const { code, stderr } = await run(["diff", before, after]);
    expect(code).toBe(2);
    expect(stderr).toContain("[compile/name-collision]");
    expect(stderr).toContain("services.a and services.a-to");
  });
});
