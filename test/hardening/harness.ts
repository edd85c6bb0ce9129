import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { stringify } from "yaml";
import { main, terminalIo } from "../../src/cli/main.js";
import { unwrapDiagnostics } from "../../src/diagnostics/format-text.js";

/** A run of the CLI in this process (fast: no Node start-up per run), through the terminal filter. */
export interface Run {
  readonly argv: readonly string[];
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export async function run(argv: readonly string[]): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const io = terminalIo(
    (text) => {
      stdout += text;
    },
    (text) => {
      stderr += text;
    },
    false,
  );
  const started = performance.now();
  const code = await main(argv, io);
  // Diagnostics wrap at 100 columns; tests read each one as a single line.
  return { argv, code, stdout, stderr: unwrapDiagnostics(stderr), ms: performance.now() - started };
}

/** Every file under dir, as paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else out.push(relative(dir, path));
    }
  }
  return out.sort();
}

/** Writes a spec as YAML or JSON; YAML can say .nan and .inf, JSON cannot. */
export function writeSpec(dir: string, name: string, data: unknown, format: "yaml" | "json"): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.${format}`);
  writeFileSync(
    file,
    format === "json" ? JSON.stringify(data) : stringify(data, { aliasDuplicateObjects: false }),
  );
  return file;
}

/** Every command and output format, each as argv for a spec (and a base spec for diff). */
export function commandLines(spec: string, base: string, out: string, output: string): string[][] {
  return [
    ...["text", "json", "sarif", "markdown"].map((f) => ["check", spec, "--format", f]),
    ["check", spec, "--format", "json", "--output", output],
    ...["text", "json"].map((f) => ["plan", spec, "--format", f]),
    ["render", spec, "--out", out],
    ...["text", "json"].map((f) => ["whatif", spec, "--fail", "region:eu-west-1", "--format", f]),
    ...["text", "json", "markdown"].map((f) => ["diff", base, spec, "--format", f]),
  ];
}

export const readText = (path: string) => readFileSync(path, "utf8");
