import { readFileSync } from "node:fs";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { analyse, compareAnalyses, parseFailures } from "../../src/analysis/index.js";
import { main } from "../../src/cli/main.js";
import { renderPicture, svgToPng } from "../../src/picture/index.js";
import { linkColour } from "../../src/picture/map.js";
import { loadTopology } from "../../src/pipeline.js";
import { ROOT } from "../e2e/cli.js";
import { STACKS_DIR, stackFiles } from "../render/stacks.js";
import { pictureFiles } from "./docs-pictures.js";

type Element = Record<string, unknown>;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", preserveOrder: false });

/** Every element with `tag` anywhere under `node`. */
function all(node: unknown, tag: string, out: Element[] = []): Element[] {
  if (Array.isArray(node)) for (const n of node) all(n, tag, out);
  else if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node as Element)) {
      if (key === tag) for (const v of Array.isArray(value) ? value : [value]) out.push(v as Element);
      if (!key.startsWith("@")) all(value, tag, out);
    }
  }
  return out;
}
const texts = (node: unknown): string[] => {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (typeof n === "string" || typeof n === "number") out.push(String(n));
    else if (Array.isArray(n)) n.forEach(walk);
    else if (n !== null && typeof n === "object")
      for (const [k, v] of Object.entries(n as Element)) if (k === "#text" || !k.startsWith("@")) walk(v);
  };
  walk(node);
  return out;
};

describe("plan --format svg: the map and the call graph of every example stack", () => {
  it.each(stackFiles())("stacks/%s", async (file) => {
    const { model } = await loadTopology(join(STACKS_DIR, file));
    const analysis = analyse(model);
    const svg = renderPicture(model, analysis);
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = parser.parse(svg) as Element;
    const groups = all(doc, "g");
    // Regions: one marker per region with catalog coordinates, and a label box naming it.
    const located = model.regions.filter((r) => model.catalog.regions.get(r)?.lat !== undefined);
    const drawn = groups.filter((g) => g["@class"] === "region").map((g) => g["@data-region"]);
    expect(drawn.sort()).toEqual([...located].sort());
    const labels = groups.filter((g) => g["@class"] === "label");
    for (const region of located) {
      const label = labels.find((g) => g["@data-region"] === region);
      expect(texts(label).join(" "), region).toContain(region);
    }
    // Every datastore placed in a drawn region is listed in that region's label, leaders starred.
    for (const store of model.datastores)
      for (const p of store.placement.filter((x) => located.includes(x.region))) {
        const text = texts(labels.find((g) => g["@data-region"] === p.region)).join("\n");
        expect(text).toContain(`${store.name} ×${p.replicas}`);
      }
    // Links: every loaded pair between drawn regions, coloured by utilisation, in the legend with its RTT.
    const links = groups.filter((g) => g["@class"] === "link");
    const allText = texts(doc).join("\n");
    for (const load of analysis.links) {
      if (!located.includes(load.from) || !located.includes(load.to)) continue;
      const [a, b] = [load.from, load.to].sort();
      const link = links.find((g) => g["@data-from"] === a && g["@data-to"] === b);
      expect(link, `${a}–${b}`).toBeDefined();
      const rtt = model.catalog.rttMs(a!, b!)!;
      expect(allText).toMatch(new RegExp(`${a} – ${b}: ${rtt >= 100 ? rtt.toFixed(0) : rtt.toFixed(1)}`));
    }
    // The call graph: a node per component, an edge per call.
    const nodes = groups.filter((g) => String(g["@class"]).startsWith("node ")).map((g) => g["@data-name"]);
    expect(nodes.sort()).toEqual(
      [...model.services, ...model.datastores, ...model.streams].map((c) => c.name).sort(),
    );
    const calls = groups.filter((g) => g["@class"] === "call");
    expect(calls.length).toBe(model.services.reduce((n, s) => n + s.calls.length, 0));
  });

  it("link colours follow the utilisation bands (bandwidth headroom 70%)", () => {
    expect([0.1, 0.6, 0.85, 1.2, undefined].map(linkColour)).toEqual([
      "#2e7d32",
      "#f9a825",
      "#ef6c00",
      "#c62828",
      "#78909c",
    ]);
  });
});

describe("whatif --format svg: the failure drawn", () => {
  it("the failed region is crossed out, leaders moved, broken SLOs listed and outlined", async () => {
    const { model } = await loadTopology(join(STACKS_DIR, "streaming.ts"));
    const failures = parseFailures(model, ["region:eu-west-1"]);
    const failed = analyse(model, failures);
    const changes = compareAnalyses(analyse(model), failed);
    const svg = renderPicture(model, failed, { failures, changes });
    const doc = parser.parse(svg) as Element;
    const groups = all(doc, "g");
    const region = groups.find((g) => g["@class"] === "region" && g["@data-region"] === "eu-west-1")!;
    expect(region["@data-failed"]).toBe("true");
    expect(all(region, "path").some((p) => p["@class"] === "cross")).toBe(true);
    const text = texts(doc).join("\n");
    expect(text).toContain("what if: eu-west-1 fail");
    expect(text).toContain("eu-west-1 · 55% of users · FAILED");
    for (const moved of changes.filter((c) => c.kind === "leader-moved"))
      expect(text).toContain(`${moved.component} ×1 ★ (leader moved here)`);
    const broken = changes.filter((c) => c.kind === "slo-broken").map((c) => c.component);
    expect(broken.length).toBeGreaterThan(0);
    const outlined = groups.filter((g) => g["@data-broken"] === "true").map((g) => g["@data-name"]);
    for (const name of broken) expect(outlined).toContain(name);
    // No leader star in the failed region.
    const label = texts(
      groups.find((g) => g["@class"] === "label" && g["@data-region"] === "eu-west-1"),
    ).join("\n");
    expect(label).not.toContain("★");
  });
});

describe("PNG", () => {
  it("renders through resvg: a PNG of the SVG's size", async () => {
    const { model } = await loadTopology(join(STACKS_DIR, "global-kv.ts"));
    const svg = renderPicture(model, analyse(model));
    const png = Buffer.from(await svgToPng(svg));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const [, width, height] = /width="(\d+)" height="(\d+)"/.exec(svg)!;
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([Number(width), Number(height)]);
  });

  it("png needs --output (binary is not printed); svg prints", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { color: false, stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
    expect(await main(["plan", "stacks/hybrid.ts", "--format", "png"], io)).toBe(2);
    expect(err.join("")).toContain("a PNG is binary and is not printed to the terminal");
    expect(await main(["plan", "stacks/hybrid.ts", "--format", "svg"], io)).toBe(0);
    expect(out.join("")).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });
});

describe("docs/pictures", () => {
  it("the committed SVGs are up to date (npm run pictures)", async () => {
    for (const { name, svg } of await pictureFiles())
      expect(svg, `docs/pictures/${name}.svg is stale: run npm run pictures`).toBe(
        readFileSync(join(ROOT, "docs/pictures", `${name}.svg`), "utf8"),
      );
  });
});
