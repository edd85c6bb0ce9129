import { describe, expect, it } from "vitest";
import { renderMermaid } from "../../src/report/mermaid.js";
import { modelOf } from "../policies/harness.js";

/** `events` in eu-west-1, mirrored into us-east-1, where `worker` consumes it. */
const model = modelOf({
  name: "pipe",
  users: { "eu-west-1": 1 },
  streams: {
    events: {
      regions: ["eu-west-1"],
      mirrorRegions: ["us-east-1"],
      partitions: 6,
      replicas: 3,
      consumers: ["worker"],
    },
  },
  services: {
    worker: { regions: ["us-east-1"], calls: [{ to: "events", op: "consume", timeoutMs: 500 }] },
  },
});

describe("the topology diagram of a mirrored stream", () => {
  const text = renderMermaid(model)!;

  it("draws the mirror region's cluster and the mirror's copying into it", () => {
    expect(text).toContain('    events__us_east_1>"events · mirror"]');
    expect(text).toContain("  events__eu_west_1 -.->|mirror| events__us_east_1");
  });

  it("has the consumer read the mirror in its region, as its pods do (not across the Atlantic)", () => {
    expect(text).toContain("  events__us_east_1 -.->|consume| worker__us_east_1");
    expect(text).toContain("  worker__us_east_1 -->|consume| events__us_east_1");
    expect(text).not.toContain("events__eu_west_1 -.->|consume|");
  });
});
