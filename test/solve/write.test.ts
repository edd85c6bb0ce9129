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
    expect(comments(out)).toEqual(comments(EDGE));
    const untouched = (text: string) =>
      text
        .split("\n")
        .filter((line) => !/^\s+(placement|leaders?):|^\s+(ap-|tokyo-)[a-z0-9-]+: \d+$/.test(line));
    expect(untouched(out)).toEqual(untouched(EDGE));
  });

  it("adds a leader line under the placement where there was none", () => {
    const text = "datastores:\n  d:\n    placement: auto # choose\n    replicas: 3\n";
    expect(
      rewriteSpec("yaml", text, [{ name: "d", placement: { "eu-west-1": 3 }, leader: "eu-west-1" }]),
    ).toBe(
      "datastores:\n  d:\n    placement: { eu-west-1: 3 } # choose\n    leader: eu-west-1\n    replicas: 3\n",
    );
  });

  it("TypeScript is never rewritten", () => {
    expect(rewriteSpec("typescript", "export default {}", [])).toBeUndefined();
  });
});
