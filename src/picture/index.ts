import type { Analysis, AnalysisChange, Failure } from "../analysis/types.js";
import type { Model } from "../model/types.js";
import { escapeXml } from "../report/escape.js";
import { renderCallGraphSvg } from "./calls.js";
import { renderMapSvg } from "./map.js";

export interface PictureOptions {
  /** What-if: the failures drawn on the map and the changes they caused. */
  readonly failures?: readonly Failure[];
  readonly changes?: readonly AnalysisChange[];
}

const size = (svg: string) => {
  const match = /<svg[^>]* width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/.exec(svg);
  return { width: Number(match?.[1] ?? 0), height: Number(match?.[2] ?? 0) };
};

/**
 * `topoplan plan --format svg`: the world map above the call graph, one standalone SVG document
 * (two nested views, each with its own title, so tools and tests can find them by id).
 */
export function renderPicture(model: Model, analysis: Analysis, options: PictureOptions = {}): string {
  const map = renderMapSvg(model, analysis, {
    ...(options.failures ? { failures: options.failures } : {}),
    ...(options.changes ? { changes: options.changes } : {}),
  });
  const calls = renderCallGraphSvg(model, analysis, options.changes ?? []);
  const a = size(map);
  const b = size(calls);
  const width = Math.max(a.width, b.width);
  const height = a.height + b.height;
  const nest = (svg: string, id: string, y: number) =>
    svg.trimEnd().replace(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, `<svg id="${id}" x="0" y="${y}"`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title>${escapeXml(`${model.name}: topology map and call graph`)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    nest(map, "map", 0),
    nest(calls, "calls", a.height),
    "</svg>",
    "",
  ].join("\n");
}

/** The SVG rasterised with resvg (system fonts; DejaVu Sans on Debian: fonts-dejavu-core). */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  const { Resvg } = await import("@resvg/resvg-js");
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
    background: "#ffffff",
  });
  return resvg.render().asPng();
}
