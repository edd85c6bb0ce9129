import { describe, expect, it } from "vitest";
import { generateTopology } from "../../bench/generate.js";
import { analyse } from "../../src/analysis/index.js";
import { topologyFromData } from "../../src/pipeline.js";
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from "../../src/report/markdown.js";
import {
  MERMAID_MAX_EDGES,
  MERMAID_MAX_TEXT,
  renderMermaid,
  type TopologyDiagram,
  topologyDiagram,
} from "../../src/report/mermaid.js";
import { summarise } from "../../src/report/types.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import { modelOf } from "../policies/harness.js";

const edgesOf = (text: string) => text.split("\n").filter((line) => /-->|-\.->/.test(line)).length;

/** The diagram drawn, failing the test when there is none. */
function drawn(diagram: TopologyDiagram) {
  if (diagram.text === undefined) throw new Error(`no diagram: ${diagram.why}`);
  return diagram;
}

/** `services` services in eu-west-1 and us-east-1, each writing a store led from eu-west-1. */
function fleet(services: number): TopologyInput {
  return {
    name: "fleet",
    users: { "eu-west-1": 1 },
    datastores: {
      orders: {
        replication: "consensus",
        replicas: 3,
        placement: { "eu-west-1": 2, "us-east-1": 1 },
        leader: "eu-west-1",
      },
    },
    services: Object.fromEntries(
      Array.from({ length: services }, (_, i) => [
        `svc-${i}`,
        { regions: ["eu-west-1", "us-east-1"], calls: [{ to: "orders", op: "write", timeoutMs: 500 }] },
      ]),
    ),
  };
}

describe("the topology diagram stays within what Mermaid draws", () => {
  it("a node per component instance while the edges fit", () => {
    const text = renderMermaid(modelOf(fleet(10)))!;
    expect(edgesOf(text)).toBe(20);
    expect(topologyDiagram(modelOf(fleet(10)))).toEqual({ text, level: "components" });
  });

  it("by region past Mermaid's 500 edges: component counts and the calls crossing regions", () => {
    // 300 services × 2 regions: 600 call edges.
    const model = modelOf(fleet(300));
    expect(renderMermaid(model)).toBeUndefined();
    const diagram = drawn(topologyDiagram(model));
    expect(diagram.level).toBe("regions");
    expect(diagram.note).toBe(
      "By region: a node per component instance is more than Mermaid draws (Mermaid draws at most 500 edges and 50,000 characters).",
    );
    expect(diagram.text).toBe(
      [
        "flowchart LR",
        '  R__eu_west_1["eu-west-1 · 300 services · 1 datastore"]',
        '  R__us_east_1["us-east-1 · 300 services · 1 datastore"]',
        // Writes from us-east-1 go to the leader in eu-west-1; eu-west-1's stay local (not drawn).
        '  R__us_east_1 -->|"300 calls"| R__eu_west_1',
        "",
      ].join("\n"),
    );
  });

  it("the busiest region pairs past 500 of them; no diagram, and why, when the regions do not fit", () => {
    // 23 regions, each with one service calling the 22 others: 506 region pairs.
    const regions = [
      "us-east-1",
      "us-east-2",
      "us-west-1",
      "us-west-2",
      "ca-central-1",
      "sa-east-1",
      "eu-west-1",
      "eu-west-2",
      "eu-west-3",
      "eu-central-1",
      "eu-north-1",
      "eu-south-1",
      "ap-south-1",
      "ap-northeast-1",
      "ap-northeast-2",
      "ap-northeast-3",
      "ap-southeast-1",
      "ap-southeast-2",
      "ap-east-1",
      "me-south-1",
      "af-south-1",
      "ap-southeast-3",
      "eu-central-2",
    ];
    const name = (r: string) => `svc-${r}`;
    const spec: TopologyInput = {
      name: "mesh",
      users: { "us-east-1": 1 },
      services: Object.fromEntries(
        regions.map((r) => [
          name(r),
          {
            regions: [r],
            calls: regions.filter((o) => o !== r).map((o) => ({ to: name(o), hard: false, timeoutMs: 500 })),
          },
        ]),
      ),
    };
    // us-east-1 calls eu-west-1 twice as often: that pair is drawn first.
    spec.services![name("us-east-1")]!.calls!.push({ to: name("eu-west-1"), op: "write", timeoutMs: 500 });
    const model = modelOf(spec);
    const diagram = drawn(topologyDiagram(model));
    expect(diagram.level).toBe("regions");
    expect(diagram.note).toMatch(/ The 6 region pairs with the fewest crossing calls are left out\.$/);
    expect(edgesOf(diagram.text)).toBe(500);
    expect(diagram.text.split("\n")[24]).toBe('  R__us_east_1 -->|"2 calls"| R__eu_west_1');

    const tight = topologyDiagram(model, { maxText: 1000, maxEdges: 500 });
    expect(tight).toEqual({
      why: "even one node per region is more than Mermaid draws (Mermaid draws at most 500 edges and 1,000 characters).",
    });
    const markdown = renderMarkdown(
      { topology: "mesh", file: "mesh.ts", findings: [], summary: summarise([]) },
      { model },
    );
    expect(markdown).toContain(`_By region: a node per component instance`);
    expect(markdown).toContain("```mermaid\nflowchart LR\n  R__af_south_1[");
  });

  it("by region, a consumer is counted once, from the stream's region to its own", () => {
    const model = modelOf({
      name: "pipe",
      users: { "eu-west-1": 1 },
      streams: {
        events: { regions: ["eu-west-1"], partitions: 6, replicas: 3, consumers: ["worker"] },
      },
      services: {
        // Its consume call and the stream's consumer list say the same thing.
        worker: { regions: ["us-east-1"], calls: [{ to: "events", op: "consume", timeoutMs: 500 }] },
      },
    });
    const diagram = drawn(topologyDiagram(model, { maxText: MERMAID_MAX_TEXT, maxEdges: 1 }));
    expect(diagram.level).toBe("regions");
    expect(diagram.note).toBe(
      "By region: a node per component instance is more than Mermaid draws (Mermaid draws at most 1 edge and 50,000 characters).",
    );
    expect(diagram.text.split("\n").slice(3)).toEqual(['  R__eu_west_1 -->|"1 consumer"| R__us_east_1', ""]);
  });

  it("2,000 generated services: a region diagram under the limits, the comment under GitHub's", () => {
    const spec = generateTopology({ seed: 1, services: 2000, partitions: 1000, regions: 25, replicas: 5 });
    const { model } = topologyFromData({ file: "bench.ts", format: "typescript", text: "", data: spec });
    const diagram = drawn(topologyDiagram(model));
    expect(diagram.level).toBe("regions");
    expect(diagram.text.length).toBeLessThanOrEqual(MERMAID_MAX_TEXT);
    expect(edgesOf(diagram.text)).toBeLessThanOrEqual(MERMAID_MAX_EDGES);
    const markdown = renderMarkdown(
      {
        topology: model.name,
        file: "bench.ts",
        findings: [],
        summary: summarise([]),
        analysis: analyse(model),
      },
      { model },
    );
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(markdown).toContain("SLOs: target vs predicted");
  });
});
