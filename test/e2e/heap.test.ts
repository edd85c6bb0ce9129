import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { getHeapStatistics } from "node:v8";
import { afterAll, describe, expect, it } from "vitest";
import { type HeapFacts, RELAUNCHED, relaunchOptions } from "../../src/cli/heap.js";
import { cliCommand, ROOT } from "./cli.js";

const facts = (over: Partial<HeapFacts> = {}): HeapFacts => ({
  args: ["diff", "a.ts", "b.ts"],
  execArgv: [],
  env: {},
  heapLimitMb: 4144,
  totalMemoryMb: 24_000,
  ...over,
});

describe("heap limit of the heavy commands", () => {
  it("plan, render and diff relaunch with three quarters of the machine's memory, keeping node's flags", () => {
    for (const command of ["plan", "render", "diff"])
      expect(relaunchOptions(facts({ args: [command, "x.ts"] }))).toEqual(["--max-old-space-size=18000"]);
    expect(relaunchOptions(facts({ execArgv: ["--enable-source-maps"] }))).toEqual([
      "--enable-source-maps",
      "--max-old-space-size=18000",
    ]);
  });

  it("runs in place: other commands, a limit the user chose, already relaunched, little memory", () => {
    for (const args of [["check", "x.ts"], ["whatif", "x.ts"], ["--help"], []])
      expect(relaunchOptions(facts({ args }))).toBeUndefined();
    expect(relaunchOptions(facts({ env: { NODE_OPTIONS: "--max-old-space-size=2048" } }))).toBeUndefined();
    expect(relaunchOptions(facts({ env: { NODE_OPTIONS: "--max_old_space_size=9000" } }))).toBeUndefined();
    expect(relaunchOptions(facts({ execArgv: ["--max-old-space-size=9000"] }))).toBeUndefined();
    expect(relaunchOptions(facts({ env: { [RELAUNCHED]: "1" } }))).toBeUndefined();
    expect(relaunchOptions(facts({ env: { [RELAUNCHED]: "" } }))).toEqual(["--max-old-space-size=18000"]);
    // 8 GB: 6,000 MB sized is not clearly above a 4,144 MB default (a second Node start for little).
    expect(relaunchOptions(facts({ totalMemoryMb: 6000 }))).toBeUndefined();
    expect(relaunchOptions(facts({ totalMemoryMb: 8000 }))).toEqual(["--max-old-space-size=6000"]);
  });

  const scratch = mkdtempSync(join(tmpdir(), "topoplan-heap-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const { built } = cliCommand();

  // The published bin (built by `npm test`). The spec runs in a child process started with the
  // CLI process's node flags: it reports the heap limit flag the CLI was started with, if any.
  it.skipIf(!built)("the bin passes output and exit status through the relaunched process", () => {
    const spec = join(scratch, "heap.ts");
    writeFileSync(
      spec,
      [
        'const flag = process.execArgv.find((f) => f.startsWith("--max-old-space-size="));',
        'const mb = flag === undefined ? 0 : Number(flag.split("=")[1]);',
        "export default {",
        '  name: "heap-" + mb,',
        '  services: { a: { regions: ["us-east-1"], deploy: { target: "kubernetes", image: "ghcr.io/acme/a:1.0.0", port: 8080 } } },',
        "};",
        "",
      ].join("\n"),
    );
    const run = (args: string[], env: Record<string, string> = {}) =>
      spawnSync(process.execPath, [join(ROOT, "bin/topoplan.js"), ...args], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: "1", NODE_OPTIONS: "", [RELAUNCHED]: "", ...env },
        encoding: "utf8",
      });
    const limitOf = (stdout: string) => Number(/heap-(\d+)/.exec(stdout)?.[1]);
    const planned = run(["plan", spec]);
    expect(planned.status).toBe(0);
    const expected = relaunchOptions({
      args: ["plan"],
      execArgv: [],
      env: {},
      heapLimitMb: getHeapStatistics().heap_size_limit / 1048576,
      totalMemoryMb: totalmem() / 1048576,
    });
    expect(limitOf(planned.stdout)).toBe(expected === undefined ? 0 : Number(expected[0]!.split("=")[1]));
    // check runs in place; a user's own limit is kept, not replaced.
    expect(limitOf(run(["check", spec]).stdout)).toBe(0);
    expect(limitOf(run(["plan", spec], { NODE_OPTIONS: "--max-old-space-size=3000" }).stdout)).toBe(0);
    // A usage error's exit status (2) and message come through the relaunch.
    const usage = run(["render", spec]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("missing --out DIR");
  });
});
