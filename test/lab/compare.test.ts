import { describe, expect, it } from "vitest";
import { labMarkdown, runLabBench } from "../../bench/lab.js";
import { analyse, parseFailures } from "../../src/analysis/index.js";
import { networkView } from "../../src/analysis/network.js";
import { InputError } from "../../src/diagnostics/diagnostic.js";
import { etcd } from "../../src/engines/etcd.js";
import { engineOf } from "../../src/engines/registry.js";
import type { OpRecord } from "../../src/lab/agents/workload.js";
import { ReadTargets } from "../../src/lab/clients/read-targets.js";
import {
  compareLab,
  MIN_SETTLED_MS,
  minimumFailMs,
  relayCorrection,
  relayOverheadFor,
  TOLERANCE,
} from "../../src/lab/compare.js";
import { runLabReport } from "../../src/lab/index.js";
import { atLabLoad } from "../../src/lab/lab-load.js";
import { sampleLeader, withPreferredLeader } from "../../src/lab/observed-leader.js";
import { loadPerCore, machineWasBottleneck, renderLabMarkdown, renderLabText } from "../../src/lab/report.js";
import type { LabObservation } from "../../src/lab/run.js";
import { MIN_SAMPLES_P99, median, nearestRank } from "../../src/lab/stats.js";
import { loadTopology } from "../../src/pipeline.js";
import { build } from "../analysis/helpers.js";

const T0 = 1_000_000;
const phases = {
  start: T0,
  baselineFrom: T0,
  baselineTo: T0 + 10_000,
  failAt: T0 + 10_000,
  healAt: T0 + 20_000,
  end: T0 + 25_000,
};

/** Ops every 100 ms in [from, to) with a fixed latency (ms), all ok unless `ok` says otherwise. */
function ops(kind: "w" | "r", from: number, to: number, ms: number, ok = true): OpRecord[] {
  const out: OpRecord[] = [];
  for (let t = from; t < to; t += 100) out.push([t, kind, ms, ok, `lab/x/${t}`, ms]);
  return out;
}

function observation(over: Partial<LabObservation>): LabObservation {
  return {
    members: [
      { name: "a", region: "eu-west-1", zone: "eu-west-1a" },
      { name: "b", region: "eu-central-1", zone: "eu-central-1a" },
      { name: "c", region: "us-east-1", zone: "us-east-1a" },
    ],
    origins: ["eu-west-1", "us-east-1"],
    ops: {},
    saturated: {},
    saturatedInBaseline: {},
    errors: {},
    echo: {
      "eu-west-1": { "eu-west-1": 3, "us-east-1": 71.6 },
      "us-east-1": { "eu-west-1": 71.6, "us-east-1": 3 },
    },
    configuredRtt: {
      "eu-west-1": { "eu-west-1": 1, "us-east-1": 69.6 },
      "us-east-1": { "eu-west-1": 69.6, "us-east-1": 1 },
    },
    leaders: [
      { at: T0 + 1000, member: "a", region: "eu-west-1" },
      { at: T0 + 12_000, member: "b", region: "eu-central-1" },
      { at: T0 + 18_500, member: "b", region: "eu-central-1" },
    ],
    phases,
    lostWrites: [],
    keysChecked: true,
    lag: [],
    prometheus: false,
    alerts: [],
    machineLoad: 0.5,
    ...over,
  };
}

describe("compareLab", async () => {
  const { model } = await loadTopology("test/lab/fixtures/etcd-3-near.yaml");
  const ds = model.datastores[0]!;
  const predicted = analyse(model).datastores[0]!;
  const p50 = (origin: string) => predicted.write.byOrigin.find((o) => o.origin === origin)!.p50Ms;
  const readP50 = (origin: string) => predicted.read.byOrigin.find((o) => o.origin === origin)!.p50Ms;

  it("subtracts the relays' measured overhead once per WAN round trip and judges medians within 15%", () => {
    // echo overhead: 2 ms per round trip; a write crosses two round trips, and so does an etcd
    // strong read (read-index: client → leader, leader → quorum).
    expect(ds.strongRead).toBe("read-index");
    // At the fixture's declared 50 reads/s a read also waits for the ReadIndex round in flight.
    expect(readP50("us-east-1")).toBeGreaterThan(p50("us-east-1"));
    const obs = observation({
      ops: {
        "eu-west-1": [
          ...ops("w", T0, T0 + 10_000, p50("eu-west-1") * 1.1 + 4),
          ...ops("r", T0, T0 + 10_000, readP50("eu-west-1") + 4),
        ],
        "us-east-1": [
          ...ops("w", T0, T0 + 10_000, p50("us-east-1") * 1.3 + 4),
          ...ops("r", T0, T0 + 10_000, readP50("us-east-1") * 0.9 + 4),
        ],
      },
      phases: { ...phases, failAt: undefined, healAt: undefined } as never,
    });
    const { rows, relayOverheadMs, pass } = compareLab(model, ds, [], obs);
    expect(relayOverheadMs).toEqual({ "eu-west-1": 2, "us-east-1": 2 });
    const row = (figure: string, origin: string) =>
      rows.find((r) => r.figure === figure && r.origin === origin)!;
    expect(row("write p50 ms", "eu-west-1")).toMatchObject({ pass: true, relativeError: 0.1 });
    expect(row("write p50 ms", "us-east-1")).toMatchObject({ pass: false, relativeError: 0.3 });
    expect(row("read p50 ms", "eu-west-1")).toMatchObject({ pass: true, relativeError: 0 });
    expect(row("read p50 ms", "us-east-1")).toMatchObject({ pass: true, relativeError: 0.1 });
    expect(row("write p99 ms", "eu-west-1").pass).toBeUndefined();
    expect(rows.find((r) => r.figure === "leader region")).toMatchObject({
      predicted: "eu-west-1",
      measured: "eu-west-1",
      pass: true,
    });
    expect(pass).toBe(false);
    expect(TOLERANCE.relative).toBe(0.15);
  });

  it("judges the failure verdicts: quorum, leader region, writes accepted per origin, writes lost", () => {
    const failures = parseFailures(model, ["region:eu-west-1"]);
    const failed = analyse(model, failures).datastores[0]!;
    const obs = observation({
      ops: {
        "eu-west-1": [
          ...ops("w", T0, T0 + 10_000, 30),
          ...ops("w", T0 + 10_000, T0 + 12_000, 3000, false),
          ...ops("w", T0 + 12_000, T0 + 20_000, 160),
        ],
        // us-east-1 cannot write during the failure; a write released by the healing does not count.
        "us-east-1": [...ops("w", T0, T0 + 10_000, 99), ...ops("w", T0 + 10_000, T0 + 20_000, 3000, false)],
      },
      lostWrites: ["lab/x/1"],
    });
    const { rows } = compareLab(model, ds, failures, obs);
    const verdict = (figure: string, origin?: string) =>
      rows.find((r) => r.phase === "failure" && r.figure === figure && r.origin === origin)!;
    expect(verdict("write quorum")).toMatchObject({ predicted: "kept", measured: "kept", pass: true });
    // etcd has no leader preference: either surviving region may win; the figures price the worst.
    expect(failed.leaderCandidates).toEqual(["eu-central-1", "us-east-1"]);
    expect(failed.effectiveLeader).toBe("eu-central-1");
    expect(verdict("leader region")).toMatchObject({
      predicted: "any of eu-central-1, us-east-1",
      measured: "eu-central-1",
      pass: true,
    });
    expect(verdict("writes accepted", "eu-west-1")).toMatchObject({ measured: "yes", pass: true });
    expect(verdict("writes accepted", "us-east-1")).toMatchObject({
      predicted: "yes",
      measured: "no",
      pass: false,
    });
    // A new leader 2 s after the failure: inside etcd's 1–3 s election, plus 5 s.
    expect(ds.failover).toMatchObject({ rtoSeconds: 3, earliestSeconds: 1 });
    expect(verdict("time until a new leader, s")).toMatchObject({ predicted: 3, measured: 2, pass: true });
    // At the clients: shown, not judged (their own timeouts come on top).
    expect(verdict("time until writes resume at the clients, s", "eu-west-1")).toMatchObject({ measured: 2 });
    expect(verdict("time until writes resume at the clients, s", "us-east-1").measured).toBe("none");
    expect(verdict("time until writes resume at the clients, s", "us-east-1").pass).toBeUndefined();
    expect(verdict("acknowledged writes lost")).toMatchObject({
      predicted: "none",
      measured: "some",
      pass: false,
    });
  });

  it("prices the leader the run elected at a live member of its region (a zone failure took the first)", () => {
    const five = build({
      users: { "eu-west-1": 0.5, "us-east-1": 0.5 },
      datastores: {
        kv: {
          replication: "consensus",
          replicas: 5,
          placement: { "eu-west-1": 2, "eu-central-1": 2, "us-east-1": 1 },
          leader: "eu-central-1",
          deploy: { target: "kubernetes", engine: "etcd" },
        },
      },
    });
    const first = five.datastores[0]!.groups[0]!.replicas.find((r) => r.region === "eu-west-1")!.zone;
    const down = parseFailures(five, [`zone:${first}`]);
    const pinned = withPreferredLeader(five, "kv", "eu-west-1", down)!;
    expect(pinned.datastores[0]!.groups[0]!.leader.zone).not.toBe(first);
    // etcd's leader stays while its own member lives: no second election in the re-analysis.
    const priced = analyse(pinned, down).datastores[0]!;
    expect(priced.effectiveLeader).toBe("eu-west-1");
    expect(priced.leaderCandidates).toBeUndefined();
  });

  it("after an election the model could not decide, judges latencies for the leader the run elected", () => {
    const failures = parseFailures(model, ["region:eu-west-1"]);
    const failed = analyse(model, failures).datastores[0]!;
    // The run elected us-east-1, not the worst candidate (eu-central-1).
    const atUs = analyse(withPreferredLeader(model, ds.name, "us-east-1")!, failures).datastores[0]!;
    expect(atUs.effectiveLeader).toBe("us-east-1");
    const w = (d: typeof failed, origin: string) => d.write.byOrigin.find((o) => o.origin === origin)!.p50Ms;
    // Hand check: with the leader in us-east-1 the commit waits for eu-central-1 (92.8 ms).
    const commit = model.catalog.rttMs("us-east-1", "eu-central-1")!;
    expect(w(atUs, "eu-west-1")).toBeCloseTo(model.catalog.rttMs("eu-west-1", "us-east-1")! + commit, 9);
    expect(Math.abs(w(atUs, "eu-west-1") - w(failed, "eu-west-1")) / w(failed, "eu-west-1")).toBeGreaterThan(
      0.15,
    );
    const during = (origin: string) => ops("w", T0 + 15_000, T0 + 20_000, w(atUs, origin) + 4);
    const obs = observation({
      ops: {
        "eu-west-1": [...ops("w", T0, T0 + 10_000, 30), ...during("eu-west-1")],
        "us-east-1": [...ops("w", T0, T0 + 10_000, 99), ...during("us-east-1")],
      },
      leaders: [
        { at: T0 + 1000, member: "a", region: "eu-west-1" },
        { at: T0 + 18_500, member: "c", region: "us-east-1" },
      ],
    });
    const { rows } = compareLab(model, ds, failures, obs);
    const row = (figure: string, origin?: string) =>
      rows.find((r) => r.phase === "failure" && r.figure === figure && r.origin === origin)!;
    expect(row("leader region")).toMatchObject({ measured: "us-east-1", pass: true });
    for (const origin of ["eu-west-1", "us-east-1"]) {
      expect(row("write p50 ms", origin)).toMatchObject({ pass: true, relativeError: 0 });
      expect(row("write p50 ms", origin).note).toContain("the leader the run elected (us-east-1)");
    }
  });

  it("predicts at the lab's own load: 10 ops/s from each of 2 origins at half writes", () => {
    const lab = atLabLoad(model, ds.name, 10, 2, 0.5);
    const labDs = lab.datastores[0]!;
    expect(labDs.traffic).toEqual({ readsPerSec: 10, writesPerSec: 10, itemBytes: 64 });
    // 10 reads/s against 27.1 ms rounds: B = 0.26 < ½, so the median read waits one round, as a write does.
    const a = analyse(lab).datastores[0]!;
    for (const origin of ["eu-west-1", "us-east-1"])
      expect(a.read.byOrigin.find((o) => o.origin === origin)!.p50Ms).toBeCloseTo(p50(origin), 9);
    expect(model.datastores[0]!.traffic?.readsPerSec).toBe(50);
  });

  it("predicts for clients that dial the members themselves, as the lab's do (no clusterset entry)", () => {
    expect(model.datastores[0]!.entersAtAnyMember).toBe(true);
    expect(atLabLoad(model, ds.name, 10, 2, 0.5).datastores[0]!.entersAtAnyMember).toBe(false);
    // Nor a cluster's own client Service: a region whose members are down is no dead end for them.
    expect(model.datastores[0]!.localClientService).toBe(true);
    expect(atLabLoad(model, ds.name, 10, 2, 0.5).datastores[0]!.localClientService).toBe(false);
  });

  it("renders text and Markdown with every row and the verdict, escaping table separators", () => {
    const obs = observation({
      ops: { "eu-west-1": ops("w", T0, T0 + 10_000, 30), "us-east-1": ops("w", T0, T0 + 10_000, 99) },
    });
    const comparison = compareLab(model, ds, [], {
      ...obs,
      phases: { ...phases, failAt: undefined, healAt: undefined } as never,
    });
    const report = {
      topology: "t|x",
      datastore: ds.name,
      engine: "etcd",
      members: obs.members,
      failures: [],
      errors: {},
      schedule: {},
      machine: { loadPerCore: 0.5, skippedRequests: {}, skippedInBaseline: {}, bottleneck: false },
      relayOverheadMs: comparison.relayOverheadMs,
      rows: comparison.rows,
      pass: comparison.pass,
    };
    const text = renderLabText(report);
    expect(text).toContain("write p50 ms");
    expect(text).toMatch(/(PASS|FAIL): \d+ of \d+ predictions hold/);
    const md = renderLabMarkdown(report);
    expect(md).toContain("| phase | figure | origin | predicted | measured | error | result |");
    expect(md).not.toContain("t|x");
    // Requests skipped while a failover stalled writes are shown, and are not the machine's fault.
    const stalled = renderLabText({
      ...report,
      machine: { ...report.machine, skippedRequests: { "eu-west-1": 5, "us-east-1": 0 } },
    });
    expect(stalled).toContain("requests skipped at the in-flight cap: eu-west-1 5");
    expect(stalled).not.toContain("us-east-1 0");
    expect(stalled).not.toContain("bottleneck");
    const lateGenerator = renderLabText({
      ...report,
      machine: { ...report.machine, bottleneck: true, sendLateMs: { "eu-west-1": 12, "us-east-1": 0.4 } },
    });
    expect(lateGenerator).toContain("the workload sent late (p99): eu-west-1 12.0 ms");
    expect(lateGenerator).not.toContain("us-east-1 0.4");
  });

  it("divides the load average by the machine's CPUs, whatever their number", () => {
    // 8 runnable tasks on average: a bottleneck on 2 cores, not on 16.
    expect(loadPerCore([6, 10], 2)).toBe(4);
    expect(loadPerCore([6, 10], 16)).toBe(0.5);
    expect(loadPerCore([], 2)).toBe(0);
  });

  it("measures how late the workload sent its baseline requests, and counts a late generator against the machine", () => {
    // 100 baseline writes, sent 0.0–9.9 ms after their scheduled arrival; p99 (nearest rank) 9.8 ms.
    const late: OpRecord[] = Array.from({ length: 100 }, (_, i) => [
      T0 + i * 50,
      "w",
      30,
      true,
      `lab/l/${i}`,
      30,
      i / 10,
    ]);
    const obs = observation({
      ops: { "eu-west-1": late, "us-east-1": ops("w", T0, T0 + 10_000, 99) },
      phases: { ...phases, failAt: undefined, healAt: undefined } as never,
    });
    const { sendLateMs } = compareLab(model, ds, [], obs);
    expect(sendLateMs).toEqual({ "eu-west-1": 9.8, "us-east-1": 0 });
    expect(machineWasBottleneck(0.4, {}, {}, sendLateMs)).toBe(true);
    expect(machineWasBottleneck(0.4, {}, {}, { "eu-west-1": 4.9 })).toBe(false);
  });

  it("counts only requests skipped before the failure against the machine", () => {
    const relays = { "eu-west-1": 2.3, "us-east-1": 2.2 };
    expect(machineWasBottleneck(0.4, relays, { "eu-west-1": 0, "us-east-1": 0 })).toBe(false);
    expect(machineWasBottleneck(0.4, relays, { "eu-west-1": 1 })).toBe(true);
    expect(machineWasBottleneck(4.5, relays, {})).toBe(true);
    expect(machineWasBottleneck(0.4, { "eu-west-1": 6 }, {})).toBe(true);
  });
});

describe("weak reads follow the nearest live member", async () => {
  it("the client passes over a member that failed a read, and comes back to it later", () => {
    let clock = 0;
    const reads = new ReadTargets(["near", "mid", "far"], 3000, () => clock);
    expect(reads.current()).toBe("near");
    reads.failed("near");
    expect(reads.current()).toBe("mid");
    reads.failed("mid");
    expect(reads.current()).toBe("far");
    clock = 3000;
    expect(reads.current()).toBe("near");
    for (const m of ["near", "mid", "far"]) reads.failed(m);
    expect(reads.current()).toBe("near");
  });

  const { model: asDeclared } = await loadTopology("test/lab/fixtures/pg-async.yaml");
  const ds = { ...asDeclared.datastores[0]!, consistency: "eventual" as const };
  const model = { ...asDeclared, datastores: [ds] };
  const failures = parseFailures(model, ["region:us-east-1"]);

  it("a read from an origin whose region is lost is corrected for the path it took, to the next region", () => {
    const failed = analyse(model, failures).datastores[0]!;
    // us-east-1's nearest replica is gone: the model reads across the Atlantic.
    expect(failed.read.byOrigin.find((o) => o.origin === "us-east-1")!.p50Ms).toBe(69.6);
    // Relays: 1.5 ms per cross-zone round trip, 12 ms per transatlantic one.
    const echo = {
      "eu-west-1": { "eu-west-1": 2.5, "us-east-1": 81.6 },
      "us-east-1": { "eu-west-1": 81.6, "us-east-1": 2.5 },
    };
    const obs = observation({
      members: [
        { name: "orders-eu-west-1-0", region: "eu-west-1", zone: "eu-west-1a", role: "primary" },
        { name: "orders-eu-west-1-1", region: "eu-west-1", zone: "eu-west-1b", role: "replica" },
        { name: "orders-us-east-1-0", region: "us-east-1", zone: "us-east-1a", role: "replica" },
      ],
      echo,
      leaders: [{ at: T0 + 1000, member: "orders-eu-west-1-0", region: "eu-west-1" }],
      ops: { "us-east-1": ops("r", T0 + 15_000, T0 + 20_000, 69.6 + 12) },
    });
    const row = compareLab(model, ds, failures, obs).rows.find(
      (r) => r.phase === "failure" && r.figure === "read p50 ms" && r.origin === "us-east-1",
    )!;
    expect(row).toMatchObject({ measured: 69.6, pass: true, note: "relay overhead 12 ms subtracted" });
  });
});

describe("the lab bench", () => {
  it("reports a run that broke off as a failure, not as skipped", async () => {
    // Breaks before anything starts (resolving the members), as a bug or a bad engine entry would.
    const broken = {
      ...etcd,
      local: () => {
        throw new Error("member layout broke");
      },
    };
    const results = await runLabBench(
      process.cwd(),
      () => broken,
      () => {},
    );
    expect(results.map((r) => [r.failed, r.skipped])).toEqual(
      results.map(() => ["member layout broke", undefined]),
    );
    expect(labMarkdown(results)).toContain("etcd-3-near.yaml: **the run broke off**: member layout broke");
    // An engine the lab cannot run is a skip.
    const none = await runLabBench(
      process.cwd(),
      () => undefined,
      () => {},
    );
    expect(none.every((r) => r.skipped !== undefined && r.failed === undefined)).toBe(true);
  });
});

describe("leader samples", () => {
  it("are stamped when the poll is sent, not when a lost member's timeout lets it answer", async () => {
    let clock = 5000;
    // The live members answer at once; the poll returns only when the lost one times out (1.5 s).
    const poll = async () => {
      clock += 1500;
      return "b";
    };
    const regionOf = (m: string) => ({ b: "eu-central-1" })[m];
    expect(await sampleLeader(poll, regionOf, () => clock)).toEqual({
      at: 5000,
      member: "b",
      region: "eu-central-1",
    });
    expect(
      await sampleLeader(
        async () => undefined,
        regionOf,
        () => clock,
      ),
    ).toEqual({ at: 6500 });
  });
});

describe("a failure too short to reach its settled part", async () => {
  const { model } = await loadTopology("test/lab/fixtures/etcd-3-near.yaml");
  const ds = model.datastores[0]!;
  const failures = parseFailures(model, ["region:eu-west-1"]);
  // etcd's failover resumes writes after 3 s: the failure is read from 3 + 5 s until healing.
  const short = { ...phases, healAt: T0 + 16_000, end: T0 + 20_000 };

  it("shows its verdicts and latencies without judging them, and says how long a run must fail", () => {
    expect(minimumFailMs(3)).toBe(8000 + MIN_SETTLED_MS);
    // Writes went on all along; only none of them fell after 8 s, which is after healing.
    const obs = observation({
      ops: {
        "eu-west-1": [...ops("w", T0, T0 + 10_000, 30), ...ops("w", T0 + 12_000, T0 + 16_000, 160)],
        "us-east-1": [...ops("w", T0, T0 + 10_000, 99), ...ops("w", T0 + 12_000, T0 + 16_000, 99)],
      },
      phases: short,
    });
    const { rows } = compareLab(model, ds, failures, obs);
    const failure = (figure: string, origin?: string) =>
      rows.find((r) => r.phase === "failure" && r.figure === figure && r.origin === origin)!;
    for (const row of [
      failure("write quorum"),
      failure("leader region"),
      failure("writes accepted", "eu-west-1"),
      failure("write p50 ms", "eu-west-1"),
    ]) {
      expect(row.pass, row.figure).toBeUndefined();
      expect(row.note).toContain("rerun with --fail-for 10s or more");
    }
    // The failover itself is timed from the failure, not from the settled part: still judged.
    expect(failure("time until a new leader, s").pass).toBe(true);
    // (The fixture has no reads: only the failure's rows are of interest here.)
    expect(rows.filter((r) => r.phase === "failure" && r.pass === false)).toEqual([]);
  });

  it("is refused before anything starts when --fail-for asks for it (exit 2 with the length needed)", async () => {
    const error = await runLabReport({
      model,
      datastore: ds,
      engine: engineOf(ds)!,
      failures,
      failureTexts: ["region:eu-west-1"],
      schedule: { failMs: 6000 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).diagnostics).toMatchObject([
      { code: "lab/fail-for", fix: "use --fail-for 10s or more, or leave it unset (28 s)" },
    ]);
  });
});

describe("sample statistics: the middle value for a median, the nearest rank for a tail", async () => {
  const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  it.each([
    // [n samples 1..n, q, value]: rank ceil(q·n); a p99 of 100 samples is the 99th, not the largest.
    [100, 0.99, 99],
    [200, 0.99, 198],
    [1000, 0.99, 990],
    [10, 0.99, 10],
    [4, 0.25, 1],
    [1, 0.99, 1],
  ])("nearest rank of 1..%s at q = %s is %s", (n, q, value) => {
    expect(nearestRank(oneTo(n).reverse(), q)).toBe(value);
  });

  it("the median of an even count is the mean of the two middle samples, not the upper one", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([])).toBeUndefined();
  });

  const { model } = await loadTopology("test/lab/fixtures/etcd-3-near.yaml");
  const ds = model.datastores[0]!;
  const baselineOnly = { ...phases, failAt: undefined, healAt: undefined } as never;
  /** `n` writes from eu-west-1 in the baseline, latencies 1..n ms (in a shuffled order). */
  const writes = (n: number): OpRecord[] =>
    Array.from({ length: n }, (_, i) => {
      const ms = ((i * 37) % n) + 1;
      return [T0 + i * 10, "w", ms, true, `lab/x/${i}`, ms] as OpRecord;
    });
  const p99Row = (n: number) =>
    // Echo = configured RTT: no relay overhead to subtract, the row shows the raw samples.
    compareLab(
      model,
      ds,
      [],
      observation({
        ops: { "eu-west-1": writes(n) },
        echo: observation({}).configuredRtt,
        phases: baselineOnly,
      }),
    ).rows.find((r) => r.figure === "write p99 ms" && r.origin === "eu-west-1")!;

  it("says how many requests failed, since the figures are of the answered ones only", () => {
    const failed: OpRecord[] = [0, 1, 2].map((i) => [T0 + 5 + i * 10, "w", 3000, false, `lab/f/${i}`, 3000]);
    const rows = compareLab(
      model,
      ds,
      [],
      observation({
        ops: { "eu-west-1": [...writes(100), ...failed] },
        echo: observation({}).configuredRtt,
        phases: baselineOnly,
      }),
    ).rows.filter((r) => r.origin === "eu-west-1" && r.figure.startsWith("write"));
    expect(rows.map((r) => r.figure)).toEqual(["write p50 ms", "write p99 ms"]);
    for (const row of rows) expect(row.note).toContain("3 of 103 requests failed");
  });

  it("prints a p99 only from at least 100 requests, and then the nearest rank, not the maximum", () => {
    expect(MIN_SAMPLES_P99).toBe(100);
    expect(p99Row(100).measured).toBe(99);
    expect(p99Row(99).measured).toBe("n = 99, too few for a p99");
    expect(p99Row(99).pass).toBeUndefined();
  });
});

describe("relay overhead: subtracted per relay round trip crossed, at that path's own overhead", async () => {
  // A loaded machine: a cross-zone relay round trip (1 ms configured) costs 1.5 ms more, a
  // transatlantic one (69.6 ms) 6 ms more.
  const paths = {
    echo: { "eu-west-1": 2.5, "us-east-1": 75.6 },
    configured: { "eu-west-1": 1, "us-east-1": 69.6 },
  };

  it("takes the overhead of the measured path whose configured RTT is nearest, never below 0", () => {
    expect(relayOverheadFor(paths, 1)).toBe(1.5);
    expect(relayOverheadFor(paths, 69.6)).toBeCloseTo(6, 9);
    expect(relayOverheadFor(paths, 26)).toBe(1.5); // |26 − 1| < |26 − 69.6|
    expect(relayOverheadFor({ echo: { a: 0.8 }, configured: { a: 1 } }, 1)).toBe(0);
    expect(relayOverheadFor({ echo: {}, configured: {} }, 1)).toBe(0);
  });

  it("a write that waits for a commit crosses two relays, a read or an async write one", () => {
    // eu-west-1 → primary in eu-west-1 (cross-zone) + commit to the standby beside it (cross-zone).
    expect(relayCorrection(paths, "eu-west-1", 1)).toBe(3);
    // us-east-1's client → primary across the Atlantic, commit beside the primary.
    const fromUs = {
      echo: { "eu-west-1": 75.6, "us-east-1": 2.5 },
      configured: { "eu-west-1": 69.6, "us-east-1": 1 },
    };
    expect(relayCorrection(fromUs, "eu-west-1", 1)).toBeCloseTo(7.5, 9);
    // No commit round (async): the request's own round trip only.
    expect(relayCorrection(paths, "eu-west-1", 0)).toBe(1.5);
  });

  const { model } = await loadTopology("test/lab/fixtures/pg-sync.yaml");
  const ds = model.datastores[0]!;
  const predicted = analyse(model).datastores[0]!;
  const at = (origin: string) => predicted.write.byOrigin.find((o) => o.origin === origin)!.p50Ms;

  it("pg-sync: same-region writes are corrected by the cross-zone relays they cross, not the transatlantic median", () => {
    // Raw latencies = the model's path + the relays on it: eu-west-1 writes 2 + 2 × 1.5 ms, reads
    // (strong: at the primary) 1 + 1.5; us-east-1 writes 70.6 + 6 + 1.5, reads 69.6 + 6.
    expect(at("eu-west-1")).toBe(2);
    const obs = observation({
      members: [
        { name: "orders-eu-west-1-0", region: "eu-west-1", zone: "eu-west-1a", role: "primary" },
        { name: "orders-eu-west-1-1", region: "eu-west-1", zone: "eu-west-1b", role: "replica" },
        { name: "orders-us-east-1-0", region: "us-east-1", zone: "us-east-1a", role: "replica" },
      ],
      echo: { "eu-west-1": paths.echo, "us-east-1": { "eu-west-1": 75.6, "us-east-1": 2.5 } },
      configuredRtt: { "eu-west-1": paths.configured, "us-east-1": { "eu-west-1": 69.6, "us-east-1": 1 } },
      ops: {
        "eu-west-1": [...ops("w", T0, T0 + 10_000, 5), ...ops("r", T0, T0 + 10_000, 2.5)],
        "us-east-1": [...ops("w", T0, T0 + 10_000, 78.1), ...ops("r", T0, T0 + 10_000, 75.6)],
      },
      leaders: [{ at: T0 + 1000, member: "orders-eu-west-1-0", region: "eu-west-1" }],
      phases: { ...phases, failAt: undefined, healAt: undefined } as never,
    });
    const { rows } = compareLab(model, ds, [], obs);
    const measured = (figure: string, origin: string) =>
      rows.find((r) => r.figure === figure && r.origin === origin)!.measured;
    expect(measured("write p50 ms", "eu-west-1")).toBe(2);
    expect(measured("read p50 ms", "eu-west-1")).toBe(1);
    expect(measured("write p50 ms", "us-east-1")).toBe(70.6);
    expect(measured("read p50 ms", "us-east-1")).toBe(69.6);
    // The per-origin summary (median over member regions: (1.5 + 6) / 2) is what the report prints.
    expect(compareLab(model, ds, [], obs).relayOverheadMs["eu-west-1"]).toBeCloseTo(3.75, 9);
  });

  it("replication lag: replay_lag less the reply's trip back and the replication connection's relay round trip", () => {
    // replay_lag = one way + back + the standby relay's overhead (+ write/flush/replay, ~0 in the
    // lab): eu-west-1b 0.5 + 0.5 + 1.5 = 2.5 ms; us-east-1 34.8 + 34.8 + 6 = 75.6 ms.
    const lag = [0, 1, 2, 3].map((i) => ({
      at: T0 + 1000 + i * 1000,
      ms: { "orders-eu-west-1-1": 2.5, "orders-us-east-1-0": 75.6 },
    }));
    const obs = observation({
      members: [
        { name: "orders-eu-west-1-0", region: "eu-west-1", zone: "eu-west-1a", role: "primary" },
        { name: "orders-eu-west-1-1", region: "eu-west-1", zone: "eu-west-1b", role: "replica" },
        { name: "orders-us-east-1-0", region: "us-east-1", zone: "us-east-1a", role: "replica" },
      ],
      echo: { "eu-west-1": paths.echo, "us-east-1": { "eu-west-1": 75.6, "us-east-1": 2.5 } },
      configuredRtt: { "eu-west-1": paths.configured, "us-east-1": { "eu-west-1": 69.6, "us-east-1": 1 } },
      lag,
      phases: { ...phases, failAt: undefined, healAt: undefined } as never,
    });
    const rows = compareLab(model, ds, [], obs).rows.filter((r) => r.figure === "replication lag p50 ms");
    expect(predicted.replicationLag.map((l) => [l.region, l.p50Ms])).toEqual([
      ["eu-west-1", 0.5],
      ["us-east-1", 34.8],
    ]);
    expect(rows.map((r) => [r.origin, r.measured, r.pass])).toEqual([
      ["eu-west-1", 0.5, true],
      ["us-east-1", 34.8, true],
    ]);
  });

  it("uses the echoes re-timed inside the window when there are any, else the probe before the workload", () => {
    // The probe before the workload saw a busy moment (10 ms over every path); during the baseline
    // the relays added 1.5 ms per cross-zone round trip. eu-west-1 writes raw 2 + 2 × 1.5.
    const obs = observation({
      echo: {
        "eu-west-1": { "eu-west-1": 11, "us-east-1": 79.6 },
        "us-east-1": { "eu-west-1": 79.6, "us-east-1": 11 },
      },
      echoSamples: {
        "eu-west-1": [0, 1, 2].map((i) => ({ at: T0 + 1000 + i * 1000, ms: paths.echo })),
        "us-east-1": [{ at: T0 - 5000, ms: { "eu-west-1": 70, "us-east-1": 1 } }],
      },
      ops: {
        "eu-west-1": [...ops("w", T0, T0 + 10_000, 5)],
        "us-east-1": [...ops("r", T0, T0 + 10_000, 79.6)],
      },
      phases: { ...phases, failAt: undefined, healAt: undefined } as never,
    });
    const { rows, relayOverheadMs } = compareLab(model, ds, [], obs);
    const measured = (figure: string, origin: string) =>
      rows.find((r) => r.figure === figure && r.origin === origin)!.measured;
    expect(measured("write p50 ms", "eu-west-1")).toBe(2);
    // us-east-1's only sample is outside the window: the probe before the workload counts (10 ms).
    expect(measured("read p50 ms", "us-east-1")).toBe(69.6);
    expect(relayOverheadMs["us-east-1"]).toBe(10);
  });

  it("every measured latency is ≥ 0, even when the echo overstates the overhead", () => {
    const obs = observation({
      echo: {
        "eu-west-1": { "eu-west-1": 20, "us-east-1": 90 },
        "us-east-1": { "eu-west-1": 90, "us-east-1": 20 },
      },
      ops: { "eu-west-1": [...ops("w", T0, T0 + 10_000, 3), ...ops("r", T0, T0 + 10_000, 1)] },
      phases: { ...phases, failAt: undefined, healAt: undefined } as never,
    });
    for (const row of compareLab(model, ds, [], obs).rows)
      if (typeof row.measured === "number") expect(row.measured).toBeGreaterThanOrEqual(0);
  });
});

describe("a rerouted link: the failure window's paths are timed against the detour", async () => {
  const { model } = await loadTopology("test/lab/fixtures/etcd-3-far.yaml");
  const ds = model.datastores[0]!;
  const failures = parseFailures(model, ["link:eu-west-1/us-east-1"]);
  const before = networkView(model, []);
  const during = networkView(model, failures);
  const rtt = (net: typeof before, a: string, b: string) => (a === b ? 1 : net.rtt(a, b));
  const regions = ["eu-west-1", "eu-central-1", "us-east-1"];
  const table = (net: typeof before, origin: string, over: number) =>
    Object.fromEntries(regions.map((r) => [r, rtt(net, origin, r) + over]));

  it("subtracts the relays' own 3 ms per round trip, not the detour's extra length", () => {
    // Every relay round trip costs 3 ms; during the cut, eu-west-1 ↔ us-east-1 takes the detour
    // through eu-central-1, and the echoes timed then say so.
    const detour = rtt(during, "eu-west-1", "us-east-1");
    expect(detour).toBeGreaterThan(rtt(before, "eu-west-1", "us-east-1") + 20);
    const failed = analyse(model, failures).datastores[0]!;
    const p50 = failed.write.byOrigin.find((o) => o.origin === "eu-west-1")!.p50Ms;
    const obs = observation({
      members: [
        { name: "a", region: "eu-west-1", zone: "eu-west-1a" },
        { name: "b", region: "eu-central-1", zone: "eu-central-1a" },
        { name: "c", region: "us-east-1", zone: "us-east-1a" },
      ],
      echo: { "eu-west-1": table(before, "eu-west-1", 3), "us-east-1": table(before, "us-east-1", 3) },
      configuredRtt: {
        "eu-west-1": table(before, "eu-west-1", 0),
        "us-east-1": table(before, "us-east-1", 0),
      },
      echoSamples: {
        // Timed inside the window the failure figures come from (its second half).
        "eu-west-1": [0, 1, 2].map((i) => ({
          at: T0 + 15_500 + i * 1000,
          ms: table(during, "eu-west-1", 3),
        })),
      },
      leaders: [
        { at: T0 + 1000, member: "c", region: "us-east-1" },
        { at: T0 + 16_000, member: "c", region: "us-east-1" },
      ],
      // Raw: the predicted median plus two relay round trips (client → leader, the commit).
      ops: { "eu-west-1": ops("w", T0 + 10_000, T0 + 20_000, p50 + 6) },
    });
    const row = compareLab(model, ds, failures, obs).rows.find(
      (r) => r.phase === "failure" && r.figure === "write p50 ms" && r.origin === "eu-west-1",
    )!;
    expect(row.measured).toBeCloseTo(p50, 0);
    expect(row.pass).toBe(true);
  });
});
