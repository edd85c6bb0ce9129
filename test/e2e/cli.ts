import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { unwrapDiagnostics } from "../../src/diagnostics/format-text.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin/topoplan.js");
const BUILT_MAIN = join(ROOT, "dist/src/cli/main.js");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * How to start the CLI: the published bin when dist/ is at least as new as src/ (as under
 * `npm test`, which builds first), else the same entry from source through tsx — a full build
 * takes ~35 s, too long to hide in a test hook.
 */
export function cliCommand(): { args: string[]; built: boolean } {
  const built = existsSync(BUILT_MAIN) && statSync(BUILT_MAIN).mtimeMs >= newestSource(join(ROOT, "src"));
  return built
    ? { args: [BIN], built }
    : { args: ["--import", "tsx", join(ROOT, "test/e2e/source-entry.ts")], built };
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  /** Diagnostics unwrapped to one line each ({@link unwrapDiagnostics}), so tests can match whole messages. */
  readonly stderr: string;
  /** stderr as printed: wrapped to 100 columns. */
  readonly rawStderr: string;
}

const command = cliCommand();

/** Runs `topoplan <args>` in a child process from the repository root, without colour. */
export function topoplan(
  args: readonly string[],
  options: { cwd?: string; env?: Readonly<Record<string, string>> } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...command.args, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: "1", TOPOPLAN_DEBUG: "", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code, stdout, stderr: unwrapDiagnostics(stderr), rawStderr: stderr }),
    );
  });
}

/** A stack frame as Node prints it: "    at fn (file:line:col)". */
export const STACK_FRAME = /^\s{4}at /m;
