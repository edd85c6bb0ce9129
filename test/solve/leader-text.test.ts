import { describe, expect, it } from "vitest";
import { renderMarkdown, renderText } from "../../src/solve/render.js";
import { solve } from "../../src/solve/solve.js";
import { shop } from "./helpers.js";

const REGIONS = ["eu-central-1", "eu-west-1", "eu-west-2"];

describe("placements name a leader only where the model has one", () => {
  it.each(["leaderless", "multi-leader"])("%s: no leader in text or Markdown", (replication) => {
    const model = shop({
      replication,
      consistency: "eventual",
      placement: { "eu-west-1": 1, "eu-central-1": 1, "eu-west-2": 1 },
      survive: "zone",
    });
    const report = solve(model, { regions: REGIONS });
    expect(report.datastores[0]!.chosen).toBeDefined();
    expect(renderText(report, { color: false })).not.toContain("(leader");
    expect(renderMarkdown(report)).not.toContain("(leader");
  });

  it("consensus: the leader is named", () => {
    const model = shop({ placement: { "eu-west-1": 1, "eu-central-1": 1, "eu-west-2": 1 }, survive: "zone" });
    expect(renderText(solve(model, { regions: REGIONS }), { color: false })).toMatch(
      /\(leader eu-[a-z]+-\d\)/,
    );
  });
});
