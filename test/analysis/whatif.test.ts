import { describe, expect, it } from "vitest";
import { analyse, compareAnalyses, parseFailures, sloViolations } from "../../src/analysis/index.js";
import { DEFAULT_ITEM_BYTES, itemTransferMs, linkSojournMs } from "../../src/analysis/lag.js";
import { InputError } from "../../src/diagnostics/diagnostic.js";
import { resolveModel } from "../../src/model/resolve.js";
import { Topology } from "../../src/spec/schema/topology.js";
import globalKv from "../../stacks/global-kv.js";
import serviceMesh from "../../stacks/service-mesh.js";
import { kth, rtt, XZ } from "./helpers.js";

const model = resolveModel(Topology.parse(globalKv));
const baseline = analyse(model);
const accounts = (a: ReturnType<typeof analyse>) => a.datastores.find((d) => d.name === "accounts")!;
const origin = (a: ReturnType<typeof analyse>, o: string) =>
  accounts(a).write.byOrigin.find((x) => x.origin === o)!;

describe("what-if on global-kv (accounts: 5 voters eu-west-1 ×2, eu-central-1 ×2, eu-north-1 ×1)", () => {
  it("losing two regions that hold a quorum between them: their writes are held there, not safe", () => {
    // accounts: eu-west-1 ×2 and eu-central-1 ×2 of 5 voters (quorum 3). A write acknowledged by
    // three of those four may be on neither live replica (eu-north-1): it said "loses no
    // acknowledged write". Now: held in those regions for the lag to eu-north-1.
    const texts = ["region:eu-west-1", "region:eu-central-1"];
    const failed = analyse(model, parseFailures(model, texts));
    const loss = accounts(failed).dataLoss!;
    expect(loss.resumeAfterSeconds).toBeUndefined();
    expect(loss.held).toEqual({
      domains: ["eu-central-1", "eu-west-1"],
      nearest: "eu-north-1",
      windowMs: expect.any(Number),
    });
    const lag = accounts(baseline).replicationLag.find((l) => l.region === "eu-north-1")!;
    expect(loss.held!.windowMs).toBeGreaterThan(rtt("eu-west-1", "eu-north-1") / 2);
    expect(loss.held!.windowMs).toBeLessThanOrEqual(lag.p99Ms + 1e-9);
    const message = compareAnalyses(baseline, failed).find(
      (c) => c.kind === "data-loss" && c.component === "accounts",
    )!.message;
    expect(message).toMatch(
      /^nothing acknowledged is lost while eu-central-1 and eu-west-1 are down, but they alone hold the last [\d.]+ ms of writes \(the p99 lag to eu-north-1\) until they return; no region can take the writes over$/,
    );
    // A region and a zone, or zones, that take a quorum between them: the same (review).
    for (const mix of [
      ["region:eu-west-1", "zone:eu-central-1a"],
      ["zone:eu-west-1a", "zone:eu-west-1b", "zone:eu-central-1a"],
    ]) {
      const mixed = accounts(analyse(model, parseFailures(model, mix))).dataLoss!;
      expect(mixed.held?.nearest, mix.join(" ")).toBeDefined();
      expect(mixed.held!.domains.length, mix.join(" ")).toBeGreaterThan(1);
    }
    // One region lost: its RPO, as before (no quorum fits in eu-west-1 alone).
    expect(
      accounts(analyse(model, parseFailures(model, ["region:eu-west-1"]))).dataLoss?.held,
    ).toBeUndefined();
  });

  it("losing every zone of a region is losing the region (its users gone, nothing sent there)", () => {
    // Before, the zones' loss kept eu-west-1 a live origin without replicas: its users' writes
    // crossed to other regions (12 → 369 Mbit/s into a region that was down) and broke an SLO.
    const zones = model.catalog.regions.get("eu-west-1")!.zones.map((zone) => `zone:${zone}`);
    expect(zones.length).toBeGreaterThan(1);
    const { failures: _z, ...byZones } = analyse(model, parseFailures(model, zones));
    const { failures: _r, ...byRegion } = analyse(model, parseFailures(model, ["region:eu-west-1"]));
    expect(byZones).toEqual(byRegion);
    // us-east-1 lists six zones; a topology uses the first three (zonesIn): failing those is
    // failing the region for it (service-mesh: nothing flows into us-east-1 any more).
    const mesh = resolveModel(Topology.parse(serviceMesh));
    const used = ["us-east-1a", "us-east-1b", "us-east-1c"].map((zone) => `zone:${zone}`);
    expect(mesh.catalog.regions.get("us-east-1")!.zones.length).toBeGreaterThan(3);
    const { failures: _u, ...byUsed } = analyse(mesh, parseFailures(mesh, used));
    const { failures: _e, ...byEast } = analyse(mesh, parseFailures(mesh, ["region:us-east-1"]));
    expect(byUsed).toEqual(byEast);
    // One zone short of all: the region stays up.
    const { failures: _s, ...bySome } = analyse(model, parseFailures(model, zones.slice(1)));
    expect(bySome).not.toEqual(byRegion);
  });

  it("losing eu-west-1 moves the leader to eu-central-1 (most live replicas) and changes write latency", () => {
    const failed = analyse(model, parseFailures(model, ["region:eu-west-1"]));
    expect(accounts(failed).effectiveLeader).toBe("eu-central-1");
    expect(accounts(failed).partitionsWithoutQuorum).toBe(0);
    // Quorum 3 of the 3 survivors: the leader + the 2nd of (cross-zone, eu-north-1), eu-north-1's
    // acknowledgement queued on the declared eu-central-1 → eu-north-1 link (load-aware commit).
    const link = failed.links.find((l) => l.from === "eu-central-1" && l.to === "eu-north-1");
    const { traffic } = model.datastores.find((d) => d.name === "accounts")!;
    const queue = linkSojournMs(traffic?.itemBytes ?? DEFAULT_ITEM_BYTES, link, "p50");
    expect(queue).toBeGreaterThan(0);
    const commit = kth([XZ, rtt("eu-central-1", "eu-north-1") + queue], 2);
    expect(accounts(failed).commitP50Ms).toBeCloseTo(commit, 9);
    // kv-gateway in eu-central-1 now writes to a leader in its own region (cross-zone).
    expect(origin(failed, "eu-central-1").p50Ms).toBeCloseTo(XZ + commit, 9);
    // The gateway in eu-west-1 is down with its region; its users fail over to eu-central-1.
    expect(accounts(failed).write.byOrigin.map((o) => o.origin)).toEqual(["eu-central-1"]);
    const changes = compareAnalyses(baseline, failed);
    expect(changes).toContainEqual(
      expect.objectContaining({
        kind: "leader-moved",
        component: "accounts",
        from: "eu-west-1",
        to: "eu-central-1",
      }),
    );
    expect(changes.some((c) => c.kind === "latency" && c.component === "accounts")).toBe(true);
    // Survival recomputed on the survivors: a further region loss would break the quorum.
    expect(accounts(failed).survival.region.survives).toBe(false);
  });

  it("losing the leader's zone keeps the leader in eu-west-1 (its other replica)", () => {
    const leaderZone = model.datastores[0]!.groups[0]!.leader.zone;
    const failed = analyse(model, [{ kind: "zone", zone: leaderZone }]);
    expect(accounts(failed).effectiveLeader).toBe("eu-west-1");
  });

  it("losing two regions loses quorum: partitions, unavailability and broken SLOs", () => {
    const failed = analyse(model, parseFailures(model, ["region:eu-west-1", "region:eu-central-1"]));
    expect(accounts(failed).partitionsWithoutQuorum).toBe(64);
    expect(accounts(failed).availability.write).toBe(0);
    expect(origin(failed, "eu-north-1").unavailable).toBe(true);
    const changes = compareAnalyses(baseline, failed);
    expect(changes[0]!.kind).toBe("slo-broken");
    expect(changes).toContainEqual(
      expect.objectContaining({ kind: "lost-quorum", component: "accounts", to: 64 }),
    );
    expect(changes).toContainEqual(
      expect.objectContaining({ kind: "slo-broken", path: "datastores.accounts.slo.availability" }),
    );
  });

  it("a network partition isolating eu-west-1: the majority side elects; callers in eu-west-1 are cut off", () => {
    const others = model.regions.filter((r) => r !== "eu-west-1");
    const failures = parseFailures(
      model,
      others.map((r) => `link:eu-west-1/${r}`),
    );
    const failed = analyse(model, failures);
    expect(accounts(failed).effectiveLeader).toBe("eu-central-1");
    expect(origin(failed, "eu-west-1").unavailable).toBe(true);
    // kv-gateway in eu-central-1 (majority side) still writes.
    expect(origin(failed, "eu-central-1").unavailable).toBeUndefined();
    // No replication traffic crosses the cut.
    expect(failed.links.some((l) => l.from === "eu-west-1" || l.to === "eu-west-1")).toBe(false);
  });

  it("a single cut link is routed around (full mesh): latency rises, nothing partitions", () => {
    const failed = analyse(model, parseFailures(model, ["link:eu-west-1/eu-central-1"]));
    expect(accounts(failed).partitionsWithoutQuorum).toBe(0);
    expect(accounts(failed).effectiveLeader).toBe("eu-west-1");
    const relays = model.regions.filter((r) => r !== "eu-west-1" && r !== "eu-central-1");
    const hop = relays.reduce((best, r) =>
      rtt("eu-west-1", r) + rtt(r, "eu-central-1") < rtt("eu-west-1", best) + rtt(best, "eu-central-1")
        ? r
        : best,
    );
    const via = rtt("eu-west-1", hop) + rtt(hop, "eu-central-1");
    // The reply (leader → eu-central-1) carries the item across each hop's declared link.
    const { traffic } = model.datastores.find((d) => d.name === "accounts")!;
    const capacity = (from: string, to: string) =>
      model.links.find((l) => l.between.includes(from) && l.between.includes(to))?.bandwidthMbps;
    const transfer =
      itemTransferMs(traffic?.itemBytes ?? DEFAULT_ITEM_BYTES, capacity("eu-west-1", hop)) +
      itemTransferMs(traffic?.itemBytes ?? DEFAULT_ITEM_BYTES, capacity(hop, "eu-central-1"));
    expect(transfer).toBeGreaterThan(0);
    const read = accounts(failed).read.byOrigin.find((o) => o.origin === "eu-central-1")!;
    expect(read.p50Ms).toBeCloseTo(via + transfer, 9);
  });

  it("a cut link's bytes move to the relay path: its hops carry (and bill) them, the cut link nothing", () => {
    const failed = analyse(model, parseFailures(model, ["link:eu-west-1/eu-central-1"]));
    const load = (a: ReturnType<typeof analyse>, from: string, to: string) =>
      a.links.find((l) => l.from === from && l.to === to);
    const direct = load(baseline, "eu-west-1", "eu-central-1")!;
    expect(direct.mbps).toBeGreaterThan(0);
    expect(load(failed, "eu-west-1", "eu-central-1")).toBeUndefined();
    expect(load(failed, "eu-central-1", "eu-west-1")).toBeUndefined();
    // Every byte the pair carried now crosses the relay region in both hops.
    const hop = "eu-north-1";
    const grew = (from: string, to: string) =>
      load(failed, from, to)!.mbps - (load(baseline, from, to)?.mbps ?? 0);
    expect(grew("eu-west-1", hop)).toBeCloseTo(direct.mbps, 6);
    expect(grew(hop, "eu-central-1")).toBeCloseTo(direct.mbps, 6);
    // Relayed bytes are billed on both hops: the egress bill rises.
    expect(failed.cost.egressUsdPerMonth).toBeGreaterThan(baseline.cost.egressUsdPerMonth);
  });

  it("no failures: no changes", () => {
    expect(compareAnalyses(baseline, analyse(model, []))).toEqual([]);
  });

  it("bad --fail values are input errors with suggestions, all reported at once", () => {
    let error: unknown;
    try {
      parseFailures(model, ["region:eu-wset-1", "zone:eu-west-1z", "link:eu-west-1", "rack:a"]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const messages = (error as InputError).diagnostics.map((d) => d.message);
    expect(messages).toHaveLength(4);
    expect(messages[0]).toContain('did you mean "eu-west-1"?');
    expect(messages[1]).toContain('did you mean "eu-west-1a"?');
    expect(parseFailures(model, ["link:us-east-1/eu-west-1"])).toEqual([
      { kind: "link", between: ["eu-west-1", "us-east-1"] },
    ]);
  });

  it("SLO violations name the numbers and the worst origin", () => {
    expect(sloViolations(baseline)).toEqual([]);
    const accountsSpec = globalKv.datastores.accounts;
    const strict = {
      ...globalKv,
      datastores: {
        ...globalKv.datastores,
        accounts: { ...accountsSpec, slo: { ...accountsSpec.slo, writeP99Ms: 20 } },
      },
    };
    const tight = analyse(resolveModel(Topology.parse(strict)));
    const v = sloViolations(tight).find((x) => x.path === "datastores.accounts.slo.writeP99Ms")!;
    const write = accounts(tight).write;
    expect(v.actual).toBeCloseTo(write.worstP99Ms, 9);
    const worst = write.byOrigin.filter((o) => o.p99Ms === write.worstP99Ms).map((o) => o.origin);
    expect(worst.some((region) => v.message.includes(`from ${region}`))).toBe(true);
  });
});
