import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { rewriteSpec } from "../../src/solve/write.js";

const EDGE = readFileSync(join(import.meta.dirname, "../../stacks/edge-cache.yaml"), "utf8");

describe("--write on YAML", () => {
  const out = rewriteSpec("yaml", EDGE, [
    {
      name: "edge-kv",
      placement: { "ap-northeast-1": 2, "ap-southeast-1": 4 },
      leaders: ["ap-northeast-1", "ap-southeast-1"],
    },
    { name: "origin-db", placement: { "ap-northeast-1": 3 }, leader: "ap-northeast-1" },
  ])!;

  it("replaces block-map placements, the leader and the write regions, and nothing else", () => {
    const data = parse(out);
    expect(data.datastores["edge-kv"].placement).toEqual({ "ap-northeast-1": 2, "ap-southeast-1": 4 });
    expect(data.datastores["edge-kv"].leaders).toEqual(["ap-northeast-1", "ap-southeast-1"]);
    expect(data.datastores["origin-db"].placement).toEqual({ "ap-northeast-1": 3 });
    expect(data.datastores["origin-db"].leader).toBe("ap-northeast-1");
    const before = parse(EDGE);
    for (const name of ["edge-kv", "origin-db"]) {
      const { placement: _a, leader: _b, leaders: _c, ...rest } = data.datastores[name];
      const { placement: _d, leader: _e, leaders: _f, ...was } = before.datastores[name];
      expect(rest).toEqual(was);
    }
    expect({ ...data, datastores: undefined }).toEqual({ ...before, datastores: undefined });
  });

  it("keeps every comment and every other line byte for byte", () => {
    const comments = (text: string) => text.split("\n").filter((line) => line.trimStart().startsWith("#"));
    // Plus a comment line per region the edit drops.
    const removed = comments(out).filter((line) => line.endsWith("(removed by topoplan solve)"));
    expect(removed.map((line) => line.trim())).toEqual([
      "# ap-southeast-2: 2 (removed by topoplan solve)",
      "# tokyo-dc1: 2 (removed by topoplan solve)",
    ]);
    expect(comments(out).filter((line) => !removed.includes(line))).toEqual(comments(EDGE));
    const untouched = (text: string) =>
      text
        .split("\n")
        .filter(
          (line) =>
            !/^\s+(placement|leaders?):|^\s+(ap-|tokyo-)[a-z0-9-]+: \d+$|\(removed by topoplan solve\)$/.test(
              line,
            ),
        );
    expect(untouched(out)).toEqual(untouched(EDGE));
  });

  it("a block placement stays a block map and keeps its comments; a dropped region stays as a comment", () => {
    const text = [
      "datastores:",
      "  d:",
      "    placement:",
      "      # primary racks",
      "      tokyo-dc1: 2   # racks A+B (OPS-1234)",
      "      # DR",
      "      ap-northeast-1: 1 # dr",
      "    leader: tokyo-dc1",
      "",
    ].join("\n");
    const edit = {
      name: "d",
      placement: { "ap-northeast-1": 3, "ap-northeast-3": 1 },
      leader: "ap-northeast-1",
    };
    expect(rewriteSpec("yaml", text, [edit])).toBe(
      [
        "datastores:",
        "  d:",
        "    placement:",
        "      # primary racks",
        "      # tokyo-dc1: 2 # racks A+B (OPS-1234) (removed by topoplan solve)",
        "      # DR",
        "      ap-northeast-1: 3 # dr",
        "      ap-northeast-3: 1",
        "    leader: ap-northeast-1",
        "",
      ].join("\n"),
    );
  });

  it("a multi-line entry left as it was keeps its text; a changed one keeps its inner comments; CRLF stays", () => {
    const text = [
      "datastores:",
      "  d:",
      "    placement:",
      "      eu-west-1:",
      "        voters: 2 # inner",
      "        readOnly: 1",
      "      eu-central-1:",
      "        voters: 1 # witness soon",
      "    leader: eu-west-1",
      "",
    ].join("\r\n");
    const placement = { "eu-west-1": { voters: 2, readOnly: 1 }, "eu-central-1": 2 };
    expect(rewriteSpec("yaml", text, [{ name: "d", placement, leader: "eu-west-1" }])).toBe(
      [
        "datastores:",
        "  d:",
        "    placement:",
        "      eu-west-1:",
        "        voters: 2 # inner",
        "        readOnly: 1",
        "      eu-central-1: 2",
        "        # witness soon",
        "    leader: eu-west-1",
        "",
      ].join("\r\n"),
    );
  });

  it("adds a leader line under the placement where there was none", () => {
    const text = "datastores:\n  d:\n    placement: auto # choose\n    replicas: 3\n";
    expect(
      rewriteSpec("yaml", text, [{ name: "d", placement: { "eu-west-1": 3 }, leader: "eu-west-1" }]),
    ).toBe(
      "datastores:\n  d:\n    placement: { eu-west-1: 3 } # choose\n    leader: eu-west-1\n    replicas: 3\n",
    );
  });

  it("in a datastore written as a flow mapping, the leader is one more entry (a new line would break it)", () => {
    const text =
      "datastores:\n  d: {replicas: 3, placement: {eu-west-1: 2, eu-central-1: 1}, survive: zone}\n";
    const out = rewriteSpec("yaml", text, [
      { name: "d", placement: { "eu-west-1": 3 }, leader: "eu-west-1" },
    ])!;
    expect(out).toBe(
      "datastores:\n  d: {replicas: 3, placement: { eu-west-1: 3 }, leader: eu-west-1, survive: zone}\n",
    );
    expect(parse(out).datastores.d).toEqual({
      replicas: 3,
      placement: { "eu-west-1": 3 },
      leader: "eu-west-1",
      survive: "zone",
    });
  });

  it("TypeScript is never rewritten", () => {
    expect(rewriteSpec("typescript", "export default {}", [])).toBeUndefined();
  });
});
