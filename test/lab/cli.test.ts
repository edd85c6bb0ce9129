import { describe, expect, it } from "vitest";
import { STACK_FRAME, topoplan } from "../e2e/cli.js";

/** The command line of `topoplan lab`: every refusal is exit 2 with a fix, before anything starts. */
describe.concurrent("topoplan lab (command line)", () => {
  it("refuses a topology with no datastore on an engine it can run", async () => {
    const { code, stderr } = await topoplan(["lab", "stacks/global-kv.ts"]);
    expect(code).toBe(2);
    expect(stderr).toContain("runs on an engine the lab can start");
    expect(stderr).toContain("deploy.engine");
    expect(stderr).not.toMatch(STACK_FRAME);
  });

  it("names the datastores when --datastore is unknown", async () => {
    const { code, stderr } = await topoplan([
      "lab",
      "test/lab/fixtures/etcd-3-near.yaml",
      "--datastore",
      "confg",
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('no datastore "confg"');
    expect(stderr).toContain("config");
  });

  it("refuses a --fail-for too short to judge, naming the shortest that works, before starting anything", async () => {
    // etcd's failover resumes writes after 3 s; the failure is read from 3 + 5 s and needs 2 s of it.
    const { code, stderr } = await topoplan([
      "lab",
      "test/lab/fixtures/etcd-3-near.yaml",
      "--fail",
      "region:eu-west-1",
      "--fail-for",
      "6s",
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain("--fail-for 6s is too short to judge the failure");
    expect(stderr).toContain("use --fail-for 10s or more");
    expect(stderr).not.toMatch(STACK_FRAME);
  });

  it("checks --fail, --duration and --rate like whatif does", async () => {
    const bad = [
      ["--fail", "region:mars-1"],
      ["--duration", "soon"],
      ["--rate", "0"],
    ];
    for (const flags of bad) {
      const { code, stderr } = await topoplan(["lab", "test/lab/fixtures/etcd-3-near.yaml", ...flags]);
      expect(code, flags.join(" ")).toBe(2);
      expect(stderr).not.toMatch(STACK_FRAME);
    }
  });
});
