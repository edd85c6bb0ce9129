import { describe, expect, it } from "vitest";
import { analyse, compareAnalyses, parseFailures } from "../../src/analysis/index.js";
import { depths, MAX_CALL_GRAPH_SIDE, renderCallGraphSvg } from "../../src/picture/calls.js";
import { renderPicture, svgToPng } from "../../src/picture/index.js";
import { renderMapSvg } from "../../src/picture/map.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { modelOf } from "../policies/harness.js";

/** `services` services and `stores` datastores, all in us-east-1 and nothing calling anything. */
function flat(services: number, stores: number): TopologyInput {
  return {
    name: "flat",
    users: { "us-east-1": 1 },
    datastores: Object.fromEntries(
      Array.from({ length: stores }, (_, i) => [
        `db-${i}`,
        { replication: "consensus", replicas: 3, placement: { "us-east-1": 3 }, leader: "us-east-1" },
      ]),
    ),
    services: Object.fromEntries(
      Array.from({ length: services }, (_, i) => [`svc-${i}`, { regions: ["us-east-1"] }]),
    ),
  };
}

const sizeOf = (svg: string) => {
  const [, width, height] = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg)!;
  return { width: Number(width), height: Number(height) };
};

describe("pictures of large topologies stay drawable", () => {
  it("a call graph within 8,192 px a side is drawn in full", () => {
    // One column of 120 services: 60 + 120 × 62 + 30 = 7,530 px high.
    const model = modelOf(flat(120, 0));
    const svg = renderCallGraphSvg(model, analyse(model));
    expect(sizeOf(svg).height).toBe(7530);
    expect(svg.match(/class="node service"/g)).toHaveLength(120);
  });

  it("a bigger one is left out with what it would be (its PNG took all memory before)", async () => {
    // 140 services: 8,770 px high.
    const model = modelOf(flat(140, 0));
    const analysis = analyse(model);
    const calls = renderCallGraphSvg(model, analysis);
    expect(calls).not.toContain('class="node');
    expect(calls).toContain("Call graph left out: 140 components make a picture of 550 × 8,770 px,</text>");
    expect(calls).toContain(`more than ${MAX_CALL_GRAPH_SIDE.toLocaleString("en-US")} px a side.`);
    const picture = renderPicture(model, analysis);
    expect(sizeOf(picture)).toEqual({ width: 1200, height: 700 + sizeOf(calls).height });
    const png = Buffer.from(await svgToPng(picture));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 700 + sizeOf(calls).height]);
  });

  it("a region's datastores are counted on the map past eight, as its services and streams past three", () => {
    const few = modelOf(flat(0, 8));
    expect(renderMapSvg(few, analyse(few))).toContain("db-7 ×3 ★");
    const many = modelOf(flat(0, 9));
    const map = renderMapSvg(many, analyse(many));
    expect(map).not.toContain("db-0 ×3");
    expect(map).toContain("9 datastores · 27 replicas · 9 ★");
  });

  it("a what-if's moved leaders are counted in that line (each store's own line says so)", () => {
    const model = modelOf({
      name: "moved",
      users: { "us-east-1": 1 },
      datastores: Object.fromEntries(
        Array.from({ length: 9 }, (_, i) => [
          `db-${i}`,
          {
            replication: "consensus",
            replicas: 5,
            placement: { "us-east-1": 2, "us-east-2": 2, "us-west-2": 1 },
            leader: "us-east-1",
          },
        ]),
      ),
    });
    const failures = parseFailures(model, ["region:us-east-1"]);
    const failed = analyse(model, failures);
    const changes = compareAnalyses(analyse(model), failed);
    expect(changes.filter((c) => c.kind === "leader-moved")).toHaveLength(9);
    const map = renderMapSvg(model, failed, { failures, changes });
    expect(map).toContain("9 datastores · 18 replicas · 9 ★ · 9 leaders moved here");
  });
});

describe("call graph columns", () => {
  const chain = (names: string[], back?: string): TopologyInput => ({
    name: "chain",
    users: { "us-east-1": 1 },
    services: Object.fromEntries(
      names.map((name, i) => [
        name,
        {
          regions: ["us-east-1"],
          calls: [
            ...(i + 1 < names.length ? [{ to: names[i + 1]!, timeoutMs: 500 }] : []),
            ...(i + 1 === names.length && back !== undefined ? [{ to: back, timeoutMs: 500 }] : []),
          ],
        },
      ]),
    ),
  });

  it("longest path from an entry; a call cycle's members share one column", () => {
    expect(depths(modelOf(chain(["a", "b", "c", "d"])))).toEqual(
      new Map([
        ["a", 0],
        ["b", 1],
        ["c", 2],
        ["d", 3],
      ]),
    );
    // a → b → c → d → b: b, c and d are one cycle, after a (relaxing edges pushed them apart).
    expect(depths(modelOf(chain(["a", "b", "c", "d"], "b")))).toEqual(
      new Map([
        ["a", 0],
        ["b", 1],
        ["c", 1],
        ["d", 1],
      ]),
    );
  });

  it("a 200-service chain closing on itself (the longest allowed): one column", () => {
    const names = Array.from({ length: 200 }, (_, i) => `s-${i}`);
    const columns = new Set(depths(modelOf(chain(names, "s-0"))).values());
    expect(columns).toEqual(new Set([0]));
  });

  it("a consume call reads the stream: the stream's column comes before its consumer's", () => {
    const model = modelOf({
      name: "pipe",
      users: { "eu-west-1": 1 },
      streams: {
        events: {
          regions: ["eu-west-1"],
          partitions: 6,
          replicas: 3,
          producers: ["front"],
          consumers: ["worker"],
        },
      },
      services: {
        front: { regions: ["eu-west-1"], calls: [{ to: "events", op: "produce", timeoutMs: 500 }] },
        worker: { regions: ["eu-west-1"], calls: [{ to: "events", op: "consume", timeoutMs: 500 }] },
      },
    });
    expect(depths(model)).toEqual(
      new Map([
        ["front", 0],
        ["worker", 2],
        ["events", 1],
      ]),
    );
    // Without the consumer list, the consume call alone puts the stream first.
    const unlisted = modelOf({
      name: "pipe",
      users: { "eu-west-1": 1 },
      streams: { events: { regions: ["eu-west-1"], partitions: 6, replicas: 3 } },
      services: {
        worker: { regions: ["eu-west-1"], calls: [{ to: "events", op: "consume", timeoutMs: 500 }] },
      },
    });
    expect(depths(unlisted)).toEqual(
      new Map([
        ["worker", 1],
        ["events", 0],
      ]),
    );
  });
});
