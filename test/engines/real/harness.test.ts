import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

/** Whether a process is alive (signal 0 tests without signalling). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("Processes: the backstop when the runner is stopped by a signal", () => {
  const scratch = mkdtempSync(join(tmpdir(), "topoplan-harness-"));
  // What the child made, removed here too should the backstop under test fail.
  const members: number[] = [];
  const roots: string[] = [];
  afterAll(() => {
    for (const pid of members) if (alive(pid)) process.kill(pid, "SIGKILL");
    for (const dir of [...roots, scratch]) rmSync(dir, { recursive: true, force: true });
  });

  it.each(["SIGTERM", "SIGINT"] as const)("%s stops its members and removes its folder", async (signal) => {
    // A test process that starts a member (in a process group of its own) and waits, as a test does.
    const script = join(scratch, `member-${signal}.mts`);
    const harness = pathToFileURL(resolve("test/engines/real/harness.ts")).href;
    writeFileSync(
      script,
      `import { Processes } from ${JSON.stringify(harness)};
const p = new Processes();
const child = p.start("sleeper", ["sleep", "300"]);
console.log(JSON.stringify({ root: p.root, pid: child.pid }));
setInterval(() => {}, 1000);
`,
    );
    const runner = spawn(process.execPath, ["--import", "tsx", script], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const started = await new Promise<{ root: string; pid: number }>((done, fail) => {
      let out = "";
      runner.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) done(JSON.parse(out.split("\n")[0]!));
      });
      runner.once("exit", (code) => fail(new Error(`the runner left early (${code})`)));
    });
    members.push(started.pid);
    roots.push(started.root);
    expect(alive(started.pid)).toBe(true);
    expect(existsSync(started.root)).toBe(true);
    const exited = new Promise<number | null>((done) => runner.once("exit", (code) => done(code)));
    runner.kill(signal);
    expect(await exited).toBe(signal === "SIGTERM" ? 143 : 130);
    // SIGKILLed by the backstop: gone by the time the runner has exited (reaped by init at once).
    for (let i = 0; i < 40 && alive(started.pid); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive(started.pid)).toBe(false);
    expect(existsSync(started.root)).toBe(false);
  });
});
