import type { ComparisonRow, LabComparison } from "./compare.js";
import { TOLERANCE } from "./compare.js";

/** Everything `topoplan lab` reports: what ran, how it was loaded, predicted beside measured. */
export interface LabReport {
  readonly topology: string;
  readonly datastore: string;
  readonly engine: string;
  readonly members: readonly { name: string; region: string; zone: string; role?: string }[];
  readonly failures: readonly string[];
  /** Failed requests by error message, per origin (expected during failures). */
  readonly errors: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly schedule: Readonly<Record<string, number>>;
  readonly machine: {
    /** Mean 1-minute load average per core during the run. */
    readonly loadPerCore: number;
    /** Requests the workload could not send because too many were in flight, per origin. */
    readonly skippedRequests: Readonly<Record<string, number>>;
    /** Of those, the ones skipped before any failure: only these say the machine fell behind. */
    readonly skippedInBaseline: Readonly<Record<string, number>>;
    /** p99 of how late the workload sent its baseline requests, ms per origin (compare.ts `sendLateMs`). */
    readonly sendLateMs?: Readonly<Record<string, number>>;
    /** True when the machine, not the system under test, may have shaped the figures. */
    readonly bottleneck: boolean;
  };
  readonly relayOverheadMs: Readonly<Record<string, number>>;
  readonly replicationLagMs?: Readonly<Record<string, number>>;
  /** Alerts during the failure: the model's expectation, and what Prometheus had pending or firing. */
  readonly alerts?: {
    readonly predicted: readonly string[];
    readonly pending: readonly string[];
    readonly fired: readonly string[];
    readonly note: string;
  };
  readonly rows: readonly ComparisonRow[];
  readonly pass: boolean;
}

/**
 * The machine shaped the figures when the relays alone add more than this per round trip (their
 * timers run late on a busy CPU), when the workload had to skip requests, or when the run queue
 * held more than LOAD_BOTTLENECK_PER_CORE runnable tasks per core on average (whoever they belong
 * to): a commit crosses 4–6 process wake-ups (client, relays, leader, followers), and each waits its
 * turn in that queue — measured here: PostgreSQL sync commits 1.4% over the prediction at load 5
 * per core, 28–96% over at load 13.
 */
export const RELAY_OVERHEAD_BOTTLENECK_MS = 5;
/**
 * The workload fell behind its own schedule when its p99 send came this late (estimate: as late as
 * the relays may be before the machine counts as the bottleneck; both are Node timers on one CPU).
 */
export const SEND_LATE_BOTTLENECK_MS = RELAY_OVERHEAD_BOTTLENECK_MS;
export const LOAD_BOTTLENECK_PER_CORE = 4;

/**
 * Mean 1-minute load average per core over the run's samples. The load average counts runnable
 * tasks on the whole machine (proc(5), /proc/loadavg), so it is divided by every online CPU
 * (`os.cpus()`), not by a fixed count; 0 without samples.
 */
export function loadPerCore(samples: readonly number[], cpus: number): number {
  if (samples.length === 0 || cpus <= 0) return 0;
  return samples.reduce((a, b) => a + b, 0) / samples.length / cpus;
}

/**
 * Whether the machine, not the system under test, may have shaped the figures: a busy CPU, late
 * relays, or requests skipped before the failure (skips during it are the datastore stalling).
 */
export function machineWasBottleneck(
  loadPerCore: number,
  relayOverheadMs: Readonly<Record<string, number>>,
  skippedInBaseline: Readonly<Record<string, number>>,
  sendLateMs: Readonly<Record<string, number>> = {},
): boolean {
  return (
    loadPerCore > LOAD_BOTTLENECK_PER_CORE ||
    Object.values(relayOverheadMs).some((ms) => ms > RELAY_OVERHEAD_BOTTLENECK_MS) ||
    Object.values(skippedInBaseline).some((n) => n > 0) ||
    Object.values(sendLateMs).some((ms) => ms > SEND_LATE_BOTTLENECK_MS)
  );
}

/** The origins whose workload sent late (p99 above the bound), for the machine line. */
function sendLateText(late: Readonly<Record<string, number>> | undefined): string {
  const over = Object.entries(late ?? {}).filter(([, ms]) => ms > SEND_LATE_BOTTLENECK_MS);
  if (over.length === 0) return "";
  return `; the workload sent late (p99): ${over.map(([o, ms]) => `${safe(o)} ${ms.toFixed(1)} ms`).join(", ")}`;
}

/** Requests not sent at the workload's in-flight cap, per origin (a stalled datastore causes them too). */
function skippedText(skipped: Readonly<Record<string, number>>): string {
  const counts = Object.entries(skipped).filter(([, n]) => n > 0);
  if (counts.length === 0) return "";
  return `; requests skipped at the in-flight cap: ${counts.map(([o, n]) => `${safe(o)} ${n}`).join(", ")}`;
}

const cell = (v: number | string | undefined) => (v === undefined ? "" : String(v));
const status = (r: ComparisonRow) => (r.pass === undefined ? "info" : r.pass ? "PASS" : "FAIL");
const pct = (r: ComparisonRow) =>
  r.relativeError === undefined ? "" : `${(r.relativeError * 100).toFixed(1)}%`;
/** Names come from the spec; keep them to one printable line in tables. */
const safe = (text: string) =>
  [...text]
    .map((c) => (c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127 || "|`<>".includes(c) ? "?" : c))
    .join("");

const header = ["phase", "figure", "origin", "predicted", "measured", "error", "result"];
const rowCells = (r: ComparisonRow) => [
  r.phase,
  safe(r.figure),
  safe(r.origin ?? ""),
  safe(cell(r.predicted)),
  safe(cell(r.measured)),
  pct(r),
  status(r),
];

function summary(report: LabReport): string[] {
  const failed = report.rows.filter((r) => r.pass === false).length;
  const judged = report.rows.filter((r) => r.pass !== undefined).length;
  return [
    `${safe(report.topology)} / ${safe(report.datastore)} on ${safe(report.engine)}: ${report.members.length} members (${report.members.map((m) => `${safe(m.name)} in ${safe(m.zone)}`).join(", ")})`,
    `failures: ${report.failures.length === 0 ? "none" : report.failures.map(safe).join(", ")}`,
    `relay overhead per round trip (subtracted): ${Object.entries(report.relayOverheadMs)
      .map(([o, ms]) => `${safe(o)} ${ms.toFixed(1)} ms`)
      .join(", ")}`,
    `machine: load ${report.machine.loadPerCore.toFixed(2)} per core${report.machine.bottleneck ? " — the machine was a bottleneck (busy CPU, relays or workload late, or requests skipped before the failure): latency figures are suspect" : ""}${skippedText(report.machine.skippedRequests)}${sendLateText(report.machine.sendLateMs)}`,
    ...(report.replicationLagMs
      ? [
          `replication lag (PostgreSQL replay_lag, median): ${Object.entries(report.replicationLagMs)
            .map(([r, ms]) => `${safe(r)} ${ms.toFixed(1)} ms`)
            .join(", ")}`,
        ]
      : []),
    ...(report.alerts
      ? [
          `alerts predicted: ${report.alerts.predicted.join(", ") || "none"}; pending: ${report.alerts.pending.join(", ") || "none"}; fired: ${report.alerts.fired.join(", ") || "none"} (${report.alerts.note})`,
        ]
      : []),
    `tolerance: median within max(${TOLERANCE.relative * 100}%, ${TOLERANCE.absoluteMs} ms); verdicts equal`,
    `${report.pass ? "PASS" : "FAIL"}: ${judged - failed} of ${judged} predictions hold`,
  ];
}

export function renderLabText(report: LabReport): string {
  const table = [header, ...report.rows.map(rowCells)];
  const widths = header.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const lines = table.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd(),
  );
  return `${[...summary(report).slice(0, -1), "", ...lines, "", summary(report).at(-1)!].join("\n")}\n`;
}

export function renderLabMarkdown(report: LabReport): string {
  const cellText = (t: string) => t.replace(/\|/g, "\\|");
  return `${[
    `### topoplan lab: ${report.pass ? "PASS" : "FAIL"}`,
    "",
    ...summary(report).map((l) => `- ${cellText(l)}`),
    "",
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...report.rows.map((r) => `| ${rowCells(r).map(cellText).join(" | ")} |`),
  ].join("\n")}\n`;
}

export function renderLabJson(report: LabReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function buildReport(
  base: Omit<LabReport, "rows" | "pass" | "relayOverheadMs">,
  comparison: LabComparison,
): LabReport {
  return {
    ...base,
    relayOverheadMs: comparison.relayOverheadMs,
    rows: comparison.rows,
    pass: comparison.pass,
  };
}
