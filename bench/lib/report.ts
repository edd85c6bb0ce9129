import type { Scenario, Target } from "../scenarios.js";
import type { Machine } from "./machine.js";
import type { Sample } from "./measure.js";
import { pairedRatios, type Summary, summarise } from "./stats.js";

export interface SubjectResult {
  readonly id: string;
  readonly label: string;
  /** "ok", a "skipped: ..." reason, or "error: ...". */
  readonly status: string;
  readonly samples: readonly Sample[];
  readonly wallMs?: Summary;
  readonly maxRssMb?: Summary;
  /** Median of each phase, ms. */
  readonly phases?: Readonly<Record<string, number>>;
}

export interface ScenarioResult {
  readonly id: Scenario["id"];
  readonly title: string;
  readonly target?: Target;
  readonly note?: string;
  readonly skipped?: string;
  readonly error?: string;
  readonly subjects: readonly SubjectResult[];
  /** 1-minute load average before and after the scenario. */
  readonly loadavg: readonly number[];
  readonly seconds?: number;
  /** First subject's wall time over the second's, paired sample by sample. */
  readonly ratio?: Summary;
  readonly verdict?: string;
}

export interface Report {
  readonly machine: Machine & { readonly loadavg1End: number };
  readonly date: string;
  readonly seconds: number;
  readonly scenarios: readonly ScenarioResult[];
}

function withSummaries(subject: SubjectResult): SubjectResult {
  if (subject.samples.length === 0) return subject;
  const rss = subject.samples.flatMap((s) => (s.maxRssMb === undefined ? [] : [s.maxRssMb]));
  const phaseNames = [...new Set(subject.samples.flatMap((s) => Object.keys(s.phases ?? {})))];
  return {
    ...subject,
    wallMs: summarise(subject.samples.map((s) => s.wallMs)),
    ...(rss.length > 0 ? { maxRssMb: summarise(rss) } : {}),
    ...(phaseNames.length > 0
      ? {
          phases: Object.fromEntries(
            phaseNames.map((p) => [p, summarise(subject.samples.map((s) => s.phases?.[p] ?? 0)).median]),
          ),
        }
      : {}),
  };
}

/** Adds summaries, the paired ratio and whether the target was met. */
export function evaluate(result: ScenarioResult): ScenarioResult {
  const subjects = result.subjects.map(withSummaries);
  const [first, second] = subjects;
  const ok = (s: SubjectResult | undefined) => s !== undefined && s.status === "ok" && s.samples.length > 0;
  const ratio =
    ok(first) && ok(second)
      ? summarise(
          pairedRatios(
            first!.samples.map((s) => s.wallMs),
            second!.samples.map((s) => s.wallMs),
          ),
        )
      : undefined;
  const target = result.target;
  let verdict: string | undefined;
  if (target !== undefined && ok(first)) {
    const misses: string[] = [];
    if (target.wallMs !== undefined && first!.wallMs!.median >= target.wallMs) misses.push("time");
    if (target.rssMb !== undefined && (first!.maxRssMb?.median ?? Number.POSITIVE_INFINITY) >= target.rssMb)
      misses.push("memory");
    if (target.ratio !== undefined) {
      if (ratio === undefined) verdict = "not measured (no peer figure)";
      else if (ratio.median > target.ratio) misses.push("ratio");
    }
    verdict ??= misses.length === 0 ? "met" : `MISSED (${misses.join(", ")})`;
  } else if (target !== undefined) verdict = "not measured";
  return { ...result, subjects, ...(ratio ? { ratio } : {}), ...(verdict ? { verdict } : {}) };
}

const ms = (x: number) =>
  x >= 10_000
    ? `${(x / 1000).toFixed(1)} s`
    : x >= 1000
      ? `${(x / 1000).toFixed(2)} s`
      : `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const mb = (x: number) => `${x.toFixed(0)} MB`;
const spread = (s: Summary, unit: (x: number) => string) => `${unit(s.min)}–${unit(s.max)}`;

export function markdown(report: Report): string {
  const m = report.machine;
  const lines = [
    `Machine: ${m.cpu}, ${m.cores} cores (nproc), ${m.memoryGb} GB, ${m.platform}, Node ${m.node}; ` +
      `1-min load average ${m.loadavg1.toFixed(1)} at start, ${m.loadavg1End.toFixed(1)} at end. ${report.date.slice(0, 10)}, ${report.seconds.toFixed(0)} s in all.`,
    "",
    "| scenario | subject | n | wall median | wall min–max | wall IQR | peak RSS median (min–max) | vs peer, paired median (min–max) | target | verdict |",
    "|---|---|--:|--:|--:|--:|--:|--:|---|---|",
  ];
  const notes: string[] = [];
  for (const scenario of report.scenarios) {
    const target = scenario.target?.text ?? "—";
    if (scenario.skipped !== undefined || scenario.error !== undefined) {
      lines.push(
        `| ${scenario.id} | — | 0 | ${scenario.skipped ?? `error: ${scenario.error}`} | | | | | ${target} | not measured |`,
      );
      continue;
    }
    scenario.subjects.forEach((subject, i) => {
      const w = subject.wallMs;
      const r = subject.maxRssMb;
      const cells =
        subject.status !== "ok" || w === undefined
          ? [subject.status.replaceAll("|", "/").split("\n")[0], "", "", ""]
          : [
              ms(w.median),
              spread(w, ms),
              `${ms(w.q1)}–${ms(w.q3)}`,
              r === undefined ? "—" : `${mb(r.median)} (${spread(r, mb)})`,
            ];
      const ratio =
        i === 0 && scenario.ratio !== undefined
          ? `${scenario.ratio.median.toFixed(2)}× (${scenario.ratio.min.toFixed(2)}–${scenario.ratio.max.toFixed(2)})`
          : "";
      lines.push(
        `| ${i === 0 ? scenario.id : ""} | ${subject.id}: ${subject.label} | ${subject.samples.length} | ${cells.join(" | ")} | ${ratio} | ${i === 0 ? target : ""} | ${i === 0 ? (scenario.verdict ?? "") : ""} |`,
      );
      if (subject.phases !== undefined)
        notes.push(
          `- ${scenario.id} / ${subject.id} phases (medians): ${Object.entries(subject.phases)
            .map(([p, v]) => `${p} ${ms(v)}`)
            .join(", ")}`,
        );
      const info = subject.samples[0]?.info;
      if (info !== undefined)
        notes.push(
          `- ${scenario.id} / ${subject.id}: ${Object.entries(info)
            .map(([k, v]) => `${k} ${v}`)
            .join(", ")}`,
        );
    });
    if (scenario.note !== undefined) notes.push(`- ${scenario.id}: ${scenario.note}`);
    notes.push(
      `- ${scenario.id}: load average ${scenario.loadavg.map((l) => l.toFixed(1)).join(" → ")}${scenario.seconds === undefined ? "" : `, ${scenario.seconds.toFixed(0)} s`}`,
    );
  }
  return [...lines, "", ...notes].join("\n");
}
