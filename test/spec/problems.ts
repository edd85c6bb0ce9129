import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { type Diagnostic, InputError } from "../../src/diagnostics/diagnostic.js";
import { topologyFromData } from "../../src/pipeline.js";
import { loadSpec } from "../../src/spec/load/index.js";
import { run } from "../hardening/harness.js";

export const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
export const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** Loads and validates a spec as `topoplan check` does; returns the input problems (none when valid). */
export async function problemsOf(file: string): Promise<Diagnostic[]> {
  try {
    topologyFromData(await loadSpec(file));
    return [];
  } catch (error) {
    if (error instanceof InputError) return [...error.diagnostics];
    throw error;
  }
}

/** The parts of a diagnostic a user reads. */
export const brief = (d: Diagnostic) => ({ code: d.code, path: d.path, message: d.message, fix: d.fix });

/** An input problem as `topoplan check --format json` reports it. */
export interface CheckFinding {
  readonly ruleId: string;
  readonly path: string;
  readonly message: string;
  readonly fix?: string;
}

/** The input problems `topoplan check` reports for a spec file, from its JSON report (exit 2). */
export async function checkProblems(file: string): Promise<CheckFinding[]> {
  const { code, stdout } = await run(["check", file, "--format", "json"]);
  expect(code).toBe(2);
  return (JSON.parse(stdout) as { findings: CheckFinding[] }).findings;
}
