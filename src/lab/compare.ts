import { analyse } from "../analysis/index.js";
import { networkView } from "../analysis/network.js";
import type { DatastoreAnalysis, Failure } from "../analysis/types.js";
import type { Model, ResolvedDatastore } from "../model/types.js";
import type { OpRecord } from "./agents/workload.js";
import { linkReroutes } from "./netns.js";
import { withPreferredLeader } from "./observed-leader.js";
import type { LabObservation } from "./run.js";
import { linkKey } from "./sites.js";
import { MIN_SAMPLES_P99, median, nearestRank } from "./stats.js";

/**
 * Predicted beside measured, for every figure and verdict the lab can observe (pure).
 *
 * Latency is judged on the median: PASS when |measured − predicted| ≤ max(15% of predicted, 2 ms).
 * 15% is the issue's bar; the 2 ms floor is what the lab itself cannot resolve: each relay hop
 * releases on a Node timer (≥ 1 ms granularity) and the machine is shared. The relays' own added
 * latency is measured per origin and member region (TCP echo through the relays minus the configured
 * RTT) and subtracted once per relay round trip the request crosses, each at the overhead of a relay
 * with that round trip's configured RTT (`relayCorrection`). p99 is shown, not judged: the relays
 * add no jitter, so a lab p99 says nothing about the catalog's tail factor. Verdicts (quorum kept,
 * leader region, origins that can write, writes lost) must be equal.
 */
export const TOLERANCE = {
  relative: 0.15,
  absoluteMs: 2,
  /**
   * Time until a new leader after losing one, s: between the engine's earliest resume and its RTO
   * (a crash lands anywhere in the failure detector's period: CloudNativePG's readiness probe,
   * Patroni's `loop_wait` in src/engines/patroni.ts, an election timeout), plus 5 s for the
   * promotion and the observer's polling (each poll waits up to 1.5 s for the lost member).
   */
  failoverLateSeconds: 5,
} as const;

/**
 * The shortest settled part of a failure the lab judges, ms (estimate): at the default 10 requests
 * a second per origin at half writes, about 10 writes per origin, enough that none acknowledged
 * means writes stopped rather than that no request landed there. The lab's own tests use this.
 */
export const MIN_SETTLED_MS = 2000;

/**
 * Where the settled part of a failure starts, ms: its second half, and no earlier than a predicted
 * failover's RTO plus `failoverLateSeconds` (detection, election and the clients finding the new
 * leader are over), so the figures are the failure's steady state.
 */
export function settledFrom(failAt: number, healAt: number, resumeSeconds: number | undefined): number {
  return (
    failAt + Math.max((healAt - failAt) / 2, ((resumeSeconds ?? 0) + TOLERANCE.failoverLateSeconds) * 1000)
  );
}

/** The shortest failure window, ms, whose settled part lasts `MIN_SETTLED_MS`. */
export function minimumFailMs(resumeSeconds: number | undefined): number {
  return Math.max(
    2 * MIN_SETTLED_MS,
    ((resumeSeconds ?? 0) + TOLERANCE.failoverLateSeconds) * 1000 + MIN_SETTLED_MS,
  );
}

/**
 * Acknowledged writes lost in a failover: predicted "some" when the model's writes at risk (the
 * workload's write rate × the unshipped window) reach one, "none" below a tenth; between the two
 * a run may go either way, so the row is shown, not judged.
 */
const LOSS_JUDGED = { some: 1, none: 0.1 } as const;

export interface ComparisonRow {
  readonly phase: "baseline" | "failure";
  readonly figure: string;
  readonly origin?: string;
  readonly predicted: number | string;
  readonly measured: number | string;
  /** |measured − predicted| / predicted, for numbers. */
  readonly relativeError?: number;
  /** undefined: shown, not judged. */
  readonly pass?: boolean;
  readonly note?: string;
}

export interface LabComparison {
  readonly rows: readonly ComparisonRow[];
  /**
   * Relay overhead per round trip, ms, per origin: the median over its member regions (printed,
   * and the bottleneck test); each latency subtracts its own paths' overheads (`relayCorrection`).
   */
  readonly relayOverheadMs: Readonly<Record<string, number>>;
  /**
   * How late the workload sent its baseline requests after their scheduled (Poisson) arrival, ms per
   * origin: the p99. A late send is timed from when it went out, so the generator's own stalls are
   * missing from the latencies; report.ts counts a large value against the machine.
   */
  readonly sendLateMs: Readonly<Record<string, number>>;
  readonly pass: boolean;
}

/** What the relays cost one origin's round trips: echo and configured RTT per member region, ms. */
export interface RelayPaths {
  readonly echo: Readonly<Record<string, number>>;
  readonly configured: Readonly<Record<string, number>>;
}

/** What one path's echo says the relay added, ms (≥ 0); undefined when the path was not measured. */
export function pathOverhead(paths: RelayPaths, region: string): number | undefined {
  const echo = paths.echo[region];
  const configured = paths.configured[region];
  if (echo === undefined || configured === undefined || !Number.isFinite(echo)) return undefined;
  return Math.max(0, echo - configured);
}

/**
 * The overhead of one round trip through a relay whose configured RTT is `rttMs`, ms (≥ 0): what
 * the origin's echo measured on the member region whose configured RTT is nearest to it (a relay's
 * own cost depends on its delay: a sub-millisecond hold rounds up to the timer's 1 ms, a long one
 * does not; and the load is the same for every relay of a run). 0 when nothing was measured.
 */
export function relayOverheadFor(paths: RelayPaths, rttMs: number): number {
  let best: { distance: number; overhead: number } | undefined;
  for (const region of Object.keys(paths.echo)) {
    const overhead = pathOverhead(paths, region);
    if (overhead === undefined) continue;
    const distance = Math.abs(paths.configured[region]! - rttMs);
    // Ties (two regions as far): the smaller overhead, so a correction never exceeds what one path shows.
    if (
      best === undefined ||
      distance < best.distance ||
      (distance === best.distance && overhead < best.overhead)
    )
      best = { distance, overhead };
  }
  return best?.overhead ?? 0;
}

/**
 * The relay time inside one request's measured latency, ms, from the path the model prices: the
 * client's own round trip to `target` (the leader, or the nearest replica for a weak read) crosses
 * the client site's relay once; a write that waits for a commit round (`commitMs` > 0, the RTT from
 * the leader to the replica whose acknowledgement completes the quorum) crosses that replica's
 * relay once more. Paths inside one site cross none (the lab puts every client in a site of its own,
 * so a request always crosses one).
 */
export function relayCorrection(paths: RelayPaths, target: string, commitMs: number): number {
  const own = paths.configured[target];
  const request = own === undefined ? 0 : relayOverheadFor(paths, own);
  return request + (commitMs > 0 ? relayOverheadFor(paths, commitMs) : 0);
}

const round = (x: number) => Math.round(x * 10) / 10;

function latencyRow(
  phase: ComparisonRow["phase"],
  figure: string,
  origin: string,
  predicted: number | undefined,
  measured: number | undefined,
): ComparisonRow {
  if (predicted === undefined || measured === undefined)
    return {
      phase,
      figure,
      origin,
      predicted: predicted === undefined ? "unavailable" : round(predicted),
      measured: measured === undefined ? "no successful requests" : round(measured),
      pass: predicted === undefined && measured === undefined,
    };
  const error = Math.abs(measured - predicted);
  return {
    phase,
    figure,
    origin,
    predicted: round(predicted),
    measured: round(measured),
    relativeError: predicted === 0 ? 0 : Math.round((error / predicted) * 1000) / 1000,
    pass: error <= Math.max(TOLERANCE.relative * predicted, TOLERANCE.absoluteMs),
  };
}

const verdict = (
  phase: ComparisonRow["phase"],
  figure: string,
  predicted: string,
  measured: string,
  note?: string,
) => ({
  phase,
  figure,
  predicted,
  measured,
  pass: predicted === measured,
  ...(note === undefined ? {} : { note }),
});

/** The leader region seen most often in [from, to). */
function leaderIn(observation: LabObservation, from: number, to: number): string {
  const counts = new Map<string, number>();
  for (const s of observation.leaders)
    if (s.at >= from && s.at < to) counts.set(s.region ?? "none", (counts.get(s.region ?? "none") ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "none";
}

/**
 * Replication lag where the engine reports it (PostgreSQL's replay_lag: WAL flushed on the primary
 * until the standby's reply that it has written, flushed and replayed it is back). The model's lag
 * is one way, so the reply's trip back (RTT / 2 between the leader's and the replica's region) is
 * taken off, and so is the replication connection's own relay round trip (the standby's site relay,
 * at the overhead measured on a path with the same configured RTT): the relays sit on the WAL's
 * path as on a request's. What is left is the one-way trip plus the standby's write, flush and
 * replay — measured in the lab at ~0 ms (replay_lag − write_lag, docs/lab.md), so the model has
 * no apply term.
 */
function lagRows(
  observation: LabObservation,
  analysis: DatastoreAnalysis,
  rttMs: (a: string, b: string) => number,
  relayMs: (rttMs: number) => number,
): ComparisonRow[] {
  const { phases } = observation;
  const samples = observation.lag.filter((s) => s.at >= phases.baselineFrom && s.at < phases.baselineTo);
  const byRegion = new Map<string, number>();
  for (const member of observation.members) {
    const values = samples.map((s) => s.ms[member.name]).filter((x): x is number => x !== undefined && x > 0);
    const m = median(values);
    if (m === undefined) continue;
    const rtt = rttMs(analysis.leader, member.region);
    const oneWay = Math.max(0, m - rtt / 2 - relayMs(rtt));
    byRegion.set(member.region, Math.max(byRegion.get(member.region) ?? 0, oneWay));
  }
  return analysis.replicationLag
    .filter((lag) => byRegion.has(lag.region))
    .map((lag) => ({
      ...latencyRow("baseline", "replication lag p50 ms", lag.region, lag.p50Ms, byRegion.get(lag.region)),
      origin: lag.region,
    }));
}

/**
 * Time until writes resume at one origin's clients, s: from the failure to the first acknowledged
 * write that started after the first failed one (a write that slipped through before the kill
 * does not count). Shown, not judged: it adds the client's own timeouts (3 s) and its search for
 * the new leader to the failover, which `failoverRow` judges.
 */
function clientResumeRow(
  observation: LabObservation,
  origin: string,
  resumeSeconds: number | undefined,
): ComparisonRow {
  const failAt = observation.phases.failAt!;
  const writes = (observation.ops[origin] ?? []).filter((o) => o[1] === "w" && o[0] >= failAt);
  const firstFailure = writes.find((o) => !o[3]);
  const resumed =
    firstFailure === undefined
      ? writes.find((o) => o[3])
      : writes.find((o) => o[3] && o[0] > firstFailure[0]);
  return {
    phase: "failure",
    figure: "time until writes resume at the clients, s",
    origin,
    predicted: resumeSeconds ?? "-",
    measured:
      resumed === undefined ? "none" : firstFailure === undefined ? 0 : round((resumed[0] - failAt) / 1000),
    note: "shown: includes the client's 3 s timeout and its search for the new leader",
  };
}

/**
 * Where the model predicts a failover: the time from the failure until the observer first sees a
 * new leader (another member leading), s, judged between the engine's earliest resume and its RTO
 * plus `failoverLateSeconds`. Without the engine's timing the RTO is the replication model's
 * default, and the row is shown.
 */
function failoverRow(
  observation: LabObservation,
  failover: ResolvedDatastore["failover"],
  resumeSeconds: number,
): ComparisonRow {
  const { failAt, healAt } = observation.phases;
  const before = [...observation.leaders].reverse().find((s) => s.at < failAt! && s.member !== undefined);
  const after = observation.leaders.find(
    (s) => s.at >= failAt! && s.member !== undefined && s.member !== before?.member,
  );
  const seconds = after === undefined ? undefined : (after.at - failAt!) / 1000;
  const afterHealing = after !== undefined && healAt !== undefined && after.at >= healAt;
  const row = {
    phase: "failure" as const,
    figure: "time until a new leader, s",
    predicted: resumeSeconds,
    measured: seconds === undefined ? "none" : `${round(seconds)}${afterHealing ? " (after healing)" : ""}`,
  };
  const earliest = failover.earliestSeconds;
  if (earliest === undefined)
    return {
      ...row,
      note: "shown, not judged: the RTO is the replication model's default, not the engine's",
    };
  const latest = resumeSeconds + TOLERANCE.failoverLateSeconds;
  return {
    ...row,
    measured: seconds === undefined || afterHealing ? row.measured : round(seconds),
    pass: seconds !== undefined && !afterHealing && seconds >= earliest && seconds <= latest,
    note: `judged within ${earliest}–${latest} s (${failover.source}); the observer polls every 0.25–1.75 s`,
  };
}

export function compareLab(
  model: Model,
  ds: ResolvedDatastore,
  failures: readonly Failure[],
  observation: LabObservation,
): LabComparison {
  const baseline = analyse(model).datastores.find((d) => d.name === ds.name)!;
  const rows: ComparisonRow[] = [];
  const overhead: Record<string, number> = {};
  // The echoes timed inside a window (per region, the median of the samples), else the probe
  // taken before the workload: the relays' cost follows the machine's load.
  // A rerouted link gives its relays the detour's delay while the failure lasts: the echo then times
  // the detour, so the failure window's configured RTT is the detour's too (not a relay overhead).
  const detourRtt = new Map(
    linkReroutes(model, failures).flatMap((r) =>
      r.delayMs === undefined ? [] : [[r.tag, 2 * r.delayMs] as const],
    ),
  );
  const failing = (from?: number) =>
    from !== undefined &&
    observation.phases.failAt !== undefined &&
    from >= observation.phases.failAt &&
    (observation.phases.healAt === undefined || from < observation.phases.healAt);
  const paths = (origin: string, from?: number, to?: number): RelayPaths => {
    const baseline = observation.configuredRtt[origin] ?? {};
    const configured = failing(from)
      ? Object.fromEntries(
          Object.entries(baseline).map(([region, rtt]) => [
            region,
            detourRtt.get(`link:${linkKey(origin, region)}`) ?? rtt,
          ]),
        )
      : baseline;
    const samples = (observation.echoSamples?.[origin] ?? []).filter(
      (s) => from !== undefined && to !== undefined && s.at >= from && s.at < to,
    );
    const echo: Record<string, number> = { ...(observation.echo[origin] ?? {}) };
    for (const region of new Set(samples.flatMap((s) => Object.keys(s.ms)))) {
      const m = median(samples.flatMap((s) => (s.ms[region] === undefined ? [] : [s.ms[region]!])));
      if (m !== undefined) echo[region] = m;
    }
    return { echo, configured };
  };
  for (const origin of observation.origins) {
    const baselinePaths = paths(origin, observation.phases.baselineFrom, observation.phases.baselineTo);
    const extra = Object.keys(baselinePaths.echo).flatMap(
      (region) => pathOverhead(baselinePaths, region) ?? [],
    );
    overhead[origin] = median(extra) ?? 0;
  }
  const { phases } = observation;
  // Regions that keep a member through the failures (a zone failure may leave its region others).
  const liveRegions = new Set(
    observation.members
      .filter(
        (m) =>
          !failures.some(
            (f) => (f.kind === "region" && f.region === m.region) || (f.kind === "zone" && f.zone === m.zone),
          ),
      )
      .map((m) => m.region),
  );
  const window = (origin: string, kind: "w" | "r", from: number, to: number) =>
    (observation.ops[origin] ?? []).filter((o: OpRecord) => o[1] === kind && o[0] >= from && o[0] < to);
  const sendLate: Record<string, number> = {};
  for (const origin of observation.origins) {
    const late = [
      ...window(origin, "w", phases.baselineFrom, phases.baselineTo),
      ...window(origin, "r", phases.baselineFrom, phases.baselineTo),
    ].flatMap((o) => (o[6] === undefined ? [] : [o[6]]));
    sendLate[origin] = nearestRank(late, 0.99) ?? 0;
  }
  const latencies = (
    origin: string,
    analysis: DatastoreAnalysis,
    phase: ComparisonRow["phase"],
    from: number,
    to: number,
  ) => {
    // The relay round trips on each path: client → leader (plus the commit round) for a write and
    // a read-index read (the leader's heartbeat round to a quorum), client → leader for another
    // strong read, client → nearest member for a weaker read.
    const leader = analysis.effectiveLeader ?? analysis.leader;
    const during = paths(origin, from, to);
    const configured = during.configured;
    // A weak read goes to the nearest live member (the client moves on from a lost one).
    const live = phase === "failure" ? liveRegions : undefined;
    const nearest =
      Object.keys(configured)
        .filter((region) => live === undefined || live.has(region))
        .sort((a, b) => configured[a]! - configured[b]!)[0] ?? leader;
    const writeCorrection = relayCorrection(during, leader, analysis.commitP50Ms);
    const readCorrection =
      ds.consistency !== "strong"
        ? relayCorrection(during, nearest, 0)
        : ds.strongRead === "read-index"
          ? writeCorrection
          : relayCorrection(during, leader, 0);
    for (const [kind, name, correction, profile] of [
      ["w", "write", writeCorrection, analysis.write],
      ["r", "read", readCorrection, analysis.read],
    ] as const) {
      // Answered inside the window: a request released by the healing belongs to the recovery.
      const sent = window(origin, kind, from, to);
      // Failed requests (timeouts, a full pool) have no latency, yet were likely the slowest: the
      // figures are of the answered ones only, and the rows say how many were left out.
      const failedCount = sent.filter((o) => !o[3]).length;
      const failedNote =
        failedCount === 0
          ? []
          : [`${failedCount} of ${sent.length} requests failed: figures of the answered`];
      const ok = sent
        .filter((o) => o[3] && o[0] + o[5] <= to)
        // Never below zero: an echo median is noisy on a busy machine.
        .map((o) => Math.max(0, o[2] - correction));
      const predicted = profile.byOrigin.find((o) => o.origin === origin);
      const row = latencyRow(
        phase,
        `${name} p50 ms`,
        origin,
        predicted?.unavailable ? undefined : predicted?.p50Ms,
        median(ok),
      );
      const notes = [
        ...(correction > 0 ? [`relay overhead ${round(correction)} ms subtracted`] : []),
        ...failedNote,
      ];
      rows.push(notes.length > 0 ? { ...row, note: notes.join("; ") } : row);
      const p99 = nearestRank(ok, 0.99);
      if (p99 !== undefined && predicted !== undefined && !predicted.unavailable)
        rows.push({
          phase,
          figure: `${name} p99 ms`,
          origin,
          predicted: round(predicted.p99Ms),
          // Below 100 samples the nearest-rank p99 is the largest one: not a tail, so not printed as one.
          measured: ok.length >= MIN_SAMPLES_P99 ? round(p99) : `n = ${ok.length}, too few for a p99`,
          note: [`shown, not judged: the relays add no jitter; ${ok.length} requests`, ...failedNote].join(
            "; ",
          ),
        });
    }
  };
  for (const origin of observation.origins)
    latencies(origin, baseline, "baseline", phases.baselineFrom, phases.baselineTo);
  rows.push(
    verdict(
      "baseline",
      "leader region",
      baseline.leader,
      leaderIn(observation, phases.baselineFrom, phases.baselineTo),
    ),
  );
  // The lab's delays come from the same network view (src/lab/sites.ts): cross-zone inside a region.
  const net = networkView(model, []);
  const relayMs = (rtt: number) =>
    median(
      observation.origins.map((origin) =>
        relayOverheadFor(paths(origin, phases.baselineFrom, phases.baselineTo), rtt),
      ),
    ) ?? 0;
  rows.push(...lagRows(observation, baseline, (a, b) => net.rtt(a, b), relayMs));

  if (failures.length > 0 && phases.failAt !== undefined && phases.healAt !== undefined) {
    const failed = analyse(model, failures).datastores.find((d) => d.name === ds.name)!;
    // Seconds until a failover resumes writes, where the failures take the leader and one is predicted.
    const resumeSeconds = failed.dataLoss?.resumeAfterSeconds || undefined;
    const settled = settledFrom(phases.failAt, phases.healAt, resumeSeconds);
    // Rows read from the settled part; judged only when it is long enough to hold requests.
    const settledRows: number[] = [];
    const fromSettled = (row: ComparisonRow) => {
      settledRows.push(rows.length);
      rows.push(row);
    };
    // Acknowledged while the failure lasted: a blocked write released by the healing does not count.
    const writesIn = (origin: string) =>
      window(origin, "w", settled, phases.healAt!).filter((o) => o[3] && o[0] + o[5] < phases.healAt!).length;
    const anyWrites = observation.origins.some((o) => writesIn(o) > 0);
    fromSettled(
      verdict(
        "failure",
        "write quorum",
        failed.partitionsWithoutQuorum > 0 ? "lost" : "kept",
        anyWrites ? "kept" : "lost",
      ),
    );
    // Where the model keeps a quorum it names the leader's region (or, for an engine without
    // leader preference, the regions that may win the election); without one, the quorum row decides.
    const observedLeader = leaderIn(observation, settled, phases.healAt);
    const candidates = failed.leaderCandidates;
    if (failed.partitionsWithoutQuorum === 0)
      fromSettled(
        candidates === undefined
          ? verdict("failure", "leader region", failed.effectiveLeader ?? failed.leader, observedLeader)
          : {
              ...verdict("failure", "leader region", `any of ${candidates.join(", ")}`, observedLeader),
              pass: candidates.includes(observedLeader),
              note: `${ds.name}'s engine has no leader preference: the model names the regions that may win the election`,
            },
      );
    for (const origin of observation.origins) {
      const predicted = failed.write.byOrigin.find((o) => o.origin === origin);
      fromSettled({
        ...verdict(
          "failure",
          "writes accepted",
          predicted && !predicted.unavailable ? "yes" : "no",
          writesIn(origin) > 0 ? "yes" : "no",
        ),
        origin,
      });
      rows.push(clientResumeRow(observation, origin, resumeSeconds));
    }
    if (resumeSeconds !== undefined) rows.push(failoverRow(observation, ds.failover, resumeSeconds));
    // Latencies after an election the model could not decide: priced for the candidate that won
    // (the model re-analysed with it as the preferred leader); the SLO figures stay the worst's.
    const won =
      candidates?.includes(observedLeader) === true && observedLeader !== failed.effectiveLeader
        ? withPreferredLeader(model, ds.name, observedLeader, failures)
        : undefined;
    const priced =
      won === undefined ? failed : analyse(won, failures).datastores.find((d) => d.name === ds.name)!;
    const before = rows.length;
    for (const origin of observation.origins) latencies(origin, priced, "failure", settled, phases.healAt);
    for (let i = before; i < rows.length; i++) settledRows.push(i);
    if (won !== undefined)
      for (let i = before; i < rows.length; i++)
        rows[i] = {
          ...rows[i]!,
          note: [
            rows[i]!.note,
            `predicted for the leader the run elected (${observedLeader}); the model's worst candidate is ${failed.effectiveLeader}`,
          ]
            .filter((n) => n !== undefined)
            .join("; "),
        };
    const lost = observation.lostWrites.length;
    // Writes are at risk only where the failures take the leader (the model's data-loss window).
    const atRisk = failed.dataLoss?.writesAtRisk ?? 0;
    const row = verdict(
      "failure",
      "acknowledged writes lost",
      atRisk >= LOSS_JUDGED.some ? "some" : "none",
      !observation.keysChecked ? "not checked" : lost > 0 ? "some" : "none",
      `${lost} of the acknowledged writes missing at the end; predicted ${atRisk.toFixed(2)} writes at risk (RPO ${round(failed.rpoMs)} ms)`,
    );
    if (atRisk >= LOSS_JUDGED.none && atRisk < LOSS_JUDGED.some) {
      const { pass: _, ...shown } = row;
      rows.push({ ...shown, predicted: "either", note: `${row.note}; shown, not judged` });
    } else rows.push(row);
    const settledMs = phases.healAt - settled;
    if (settledMs < MIN_SETTLED_MS) {
      // Too short to tell "writes stopped" from "no request landed there": shown, not judged.
      const note = `shown, not judged: the failure's settled part (from ${round((settled - phases.failAt) / 1000)} s until healing) lasted ${round(Math.max(0, settledMs) / 1000)} s, under ${MIN_SETTLED_MS / 1000} s; rerun with --fail-for ${minimumFailMs(resumeSeconds) / 1000}s or more`;
      for (const i of settledRows) {
        const { pass: _, ...shown } = rows[i]!;
        rows[i] = { ...shown, note: [shown.note, note].filter((n) => n !== undefined).join("; ") };
      }
    }
  }
  return {
    rows,
    relayOverheadMs: overhead,
    sendLateMs: sendLate,
    pass: rows.every((r) => r.pass !== false),
  };
}
