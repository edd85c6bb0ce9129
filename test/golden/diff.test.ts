import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { diffTopologies } from "../../src/diff/index.js";
import { renderDiffMarkdown, renderDiffText } from "../../src/diff/render.js";
import { loadSpec } from "../../src/spec/load/index.js";
import { STACKS_DIR, stackFiles } from "../render/stacks.js";
import { SCENARIOS, scenarioCases, sideOf } from "./diff-scenarios.js";

/**
 * Golden PR comments (Markdown) and text diffs for realistic changes of every example stack:
 * scale-up, new region, leader move, residency change, storage resize, SLO tightening
 * (test/golden/diff-scenarios.ts). Record an intended change with
 *
 *     UPDATE_GOLDEN=1 npx vitest run test/golden/diff.test.ts
 *
 * and review the diff.
 */
const DIR = join(dirname(fileURLToPath(import.meta.url)), "diff");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

function golden(path: string, actual: string): void {
  if (UPDATE) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  expect(existsSync(path), `no golden file ${path}: run UPDATE_GOLDEN=1 npx vitest run test/golden/diff.test.ts`).toBe(
    true,
  );
  expect(actual).toBe(readFileSync(path, "utf8"));
}

/** Each stack with the scenarios that apply to it (a stack without services has no SLO to tighten). */
const cases = await scenarioCases();

it("every scenario applies to some stack, every stack has at least three scenarios", () => {
  for (const scenario of Object.keys(SCENARIOS)) expect(cases.some(([, s]) => s === scenario), scenario).toBe(true);
  for (const file of stackFiles())
    expect(cases.filter(([f]) => f === file).length, file).toBeGreaterThanOrEqual(3);
});

describe("golden: realistic changes → PR comment and text diff", () => {
  it.each(cases)("stacks/%s: %s", (file, scenario, spec, data) => {
    const diff = diffTopologies(sideOf(spec, spec.data), sideOf(spec, data));
    expect(diff.components.length).toBeGreaterThan(0);
    const stem = join(DIR, file.replace(/\.[^.]+$/, ""), scenario);
    const markdown = renderDiffMarkdown(diff, { file: `stacks/${file}` });
    expect(markdown.length).toBeLessThanOrEqual(65_536);
    golden(`${stem}.md`, markdown);
    const text = renderDiffText(diff, { color: false });
    for (const line of text.split("\n")) expect(line.length, line).toBeLessThanOrEqual(100);
    golden(`${stem}.txt`, text);
  });
});
