import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compilePlan } from "../../src/compile/index.js";
import { loadTopology } from "../../src/pipeline.js";
import { renderPlan } from "../../src/render/index.js";
import { STACKS_DIR, stackFiles } from "../render/stacks.js";

/**
 * Golden fixtures: every stack under stacks/ → the files `topoplan render` writes, checked in
 * under test/golden/<stack>/. A new stack, or an intended change of output, is recorded with
 *
 *     UPDATE_GOLDEN=1 npx vitest run test/golden
 *
 * and reviewed in the diff. Without the flag a difference fails with a diff of the file.
 */
const GOLDEN_DIR = dirname(fileURLToPath(import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === "1";

function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(dir.length + 1).split("\\").join("/"), readFileSync(path, "utf8"));
  }
  return files;
}

const stems = stackFiles().map((file) => file.replace(/\.[^.]+$/, ""));
it("stack names are unique without their extension (one golden directory each)", () => {
  expect(new Set(stems).size).toBe(stems.length);
});

describe("golden: stack → rendered files", () => {
  it.each(stackFiles())("stacks/%s", async (file) => {
    const loaded = await loadTopology(join(STACKS_DIR, file));
    const rendered = renderPlan(compilePlan(loaded.model));
    const dir = join(GOLDEN_DIR, file.replace(/\.[^.]+$/, ""));
    if (UPDATE) {
      rmSync(dir, { recursive: true, force: true });
      for (const { path, content } of rendered) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
    }
    const expected = readTree(dir);
    expect(expected.size, `no golden files for stacks/${file}: run UPDATE_GOLDEN=1 npx vitest run test/golden`).toBeGreaterThan(0);
    expect(rendered.map((f) => f.path)).toEqual([...expected.keys()].sort());
    for (const { path, content } of rendered) expect(content, path).toBe(expected.get(path));
  });
});
