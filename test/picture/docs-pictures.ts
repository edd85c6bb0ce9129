import { join } from "node:path";
import { analyse, compareAnalyses, parseFailures } from "../../src/analysis/index.js";
import { renderPicture, svgToPng } from "../../src/picture/index.js";
import { loadTopology } from "../../src/pipeline.js";
import { STACKS_DIR, stackFiles } from "../render/stacks.js";

/** The what-if shown in the docs: the streaming pipeline losing eu-west-1. */
export const DOCS_WHATIF = { stack: "streaming.ts", fail: "region:eu-west-1" } as const;

/** Every example stack's picture, and the what-if, as docs/pictures/<name>.svg|png. */
export async function pictureFiles(): Promise<
  { name: string; svg: string; png: () => Promise<Uint8Array> }[]
> {
  const out: { name: string; svg: string; png: () => Promise<Uint8Array> }[] = [];
  for (const file of stackFiles()) {
    const { model } = await loadTopology(join(STACKS_DIR, file));
    const svg = renderPicture(model, analyse(model));
    out.push({ name: file.replace(/\.[^.]+$/, ""), svg, png: () => svgToPng(svg) });
  }
  const { model } = await loadTopology(join(STACKS_DIR, DOCS_WHATIF.stack));
  const failures = parseFailures(model, [DOCS_WHATIF.fail]);
  const baseline = analyse(model);
  const failed = analyse(model, failures);
  const svg = renderPicture(model, failed, { failures, changes: compareAnalyses(baseline, failed) });
  out.push({ name: "streaming-whatif-eu-west-1", svg, png: () => svgToPng(svg) });
  return out;
}
