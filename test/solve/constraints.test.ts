import { describe, expect, it } from "vitest";
import { analyse } from "../../src/analysis/index.js";
import { constraintsOf, violations } from "../../src/solve/constraints.js";
import { build } from "../analysis/helpers.js";

/** The survive constraint's violation for one store, as `solve` prints it for the current placement. */
const surviveMessage = (store: Record<string, unknown>) => {
  const model = build({
    users: { "eu-west-1": 1 },
    datastores: { db: { survive: "region", ...store } },
  } as never);
  const ds = model.datastores[0]!;
  const found = violations(constraintsOf(ds, new Set(["survival"])), analyse(model).datastores[0]!);
  return found.find((v) => v.constraint.id === "survive")?.message;
};

describe("why a placement does not survive, in solve's words", () => {
  it("Redis: the votes a failover needs, not a count the primary's writes already meet", () => {
    // Was: "losing eu-west-1 leaves 2 of 1 needed".
    expect(
      surviveMessage({
        replication: "primary-replica",
        consistency: "eventual",
        replicas: 5,
        placement: { "eu-west-1": 3, "eu-central-1": 1, "eu-north-1": 1 },
        leader: "eu-west-1",
        deploy: { target: "kubernetes", engine: "redis" },
      }),
    ).toBe(
      "does not survive a region failure: losing eu-west-1 takes the primary and leaves 2 members, fewer than the 3 votes a failover needs",
    );
  });

  it("a consensus store short of its quorum: the count", () => {
    expect(
      surviveMessage({
        replication: "consensus",
        replicas: 3,
        placement: { "eu-west-1": 2, "eu-central-1": 1 },
      }),
    ).toBe("does not survive a region failure: losing eu-west-1 leaves 1 of 2 needed");
  });
});
