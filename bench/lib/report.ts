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
  readonly cpuMs?: Summary;
  readonly maxRssMb?: Summary;
  /** Median of each phase, ms. */
  readonly phases?: Readonly<Record<string, number>>;
  /** Against the scenario's peer subject (scenarios that name one), paired: wall and CPU. */
  readonly vsPeer?: { readonly wall: Summary; readonly cpu?: Summary };
  /** Against this subject's own target (Scenario.subjectTargets). */
  readonly verdict?: { readonly wall: string; readonly cpu: string };
}

export interface ScenarioResult {
  readonly id: Scenario["id"];
  readonly title: string;
  readonly target?: Target;
  readonly subjectTargets?: Scenario["subjectTargets"];
  readonly scale?: Scenario["scale"];
  readonly note?: string;
  readonly skipped?: string;
  readonly error?: string;
  readonly subjects: readonly SubjectResult[];
  /** 1-minute load average before and after the scenario. */
  readonly loadavg: readonly number[];
  readonly seconds?: number;
  /** First subject's wall time over the second's, paired sample by sample. */
  readonly ratio?: Summary;
  /** The same for CPU time. */
  readonly cpuRatio?: Summary;
  /** Against the target, judged on wall time (what DESIGN.md states) and on CPU time. */
  readonly verdict?: { readonly wall: string; readonly cpu: string };
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
  const cpu = subject.samples.flatMap((s) => (s.cpuMs === undefined ? [] : [s.cpuMs]));
  const phaseNames = [...new Set(subject.samples.flatMap((s) => Object.keys(s.phases ?? {})))];
  return {
    ...subject,
    wallMs: summarise(subject.samples.map((s) => s.wallMs)),
    ...(cpu.length === subject.samples.length ? { cpuMs: summarise(cpu) } : {}),
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

function judge(
  target: Target,
  time: Summary | undefined,
  rss: Summary | undefined,
  ratio: Summary | undefined,
): string {
  if (time === undefined) return "not measured";
  const misses: string[] = [];
  if (target.wallMs !== undefined && time.median >= target.wallMs) misses.push("time");
  if (target.rssMb !== undefined && (rss?.median ?? Number.POSITIVE_INFINITY) >= target.rssMb)
    misses.push("memory");
  if (target.ratio !== undefined) {
    if (ratio === undefined) return "not measured (no peer figure)";
    if (ratio.median > target.ratio) misses.push("ratio");
  }
  return misses.length === 0 ? "met" : `MISSED (${misses.join(", ")})`;
}

const usable = (s: SubjectResult | undefined): s is SubjectResult =>
  s !== undefined && s.status === "ok" && s.samples.length > 0;

function pairedSummary(a: SubjectResult, b: SubjectResult, pick: (s: Sample) => number | undefined) {
  const x = a.samples.map(pick);
  const y = b.samples.map(pick);
  if (x.some((v) => v === undefined) || y.some((v) => v === undefined)) return undefined;
  return summarise(pairedRatios(x as number[], y as number[]));
}

/** Each subject against the scenario's peer (e.g. every command against `check` of the same spec). */
function againstPeer(
  subjects: readonly SubjectResult[],
  peer: string | undefined,
  targets: Readonly<Record<string, Target>>,
): SubjectResult[] {
  const reference = subjects.find((s) => s.id === peer);
  return subjects.map((subject) => {
    const wall =
      usable(subject) && usable(reference) ? pairedSummary(subject, reference, (s) => s.wallMs) : undefined;
    const cpu =
      usable(subject) && usable(reference) ? pairedSummary(subject, reference, (s) => s.cpuMs) : undefined;
    const target = targets[subject.id];
    const ok = usable(subject);
    return {
      ...subject,
      ...(wall === undefined || subject.id === peer ? {} : { vsPeer: { wall, ...(cpu ? { cpu } : {}) } }),
      ...(target === undefined
        ? {}
        : {
            verdict: {
              wall: judge(target, ok ? subject.wallMs : undefined, subject.maxRssMb, wall),
              cpu: judge(target, ok ? subject.cpuMs : undefined, subject.maxRssMb, cpu),
            },
          }),
    };
  });
}

/** Adds summaries, the paired ratios and whether the target was met. */
export function evaluate(
  result: ScenarioResult,
  scenario?: Pick<Scenario, "peer" | "subjectTargets">,
): ScenarioResult {
  const subjects = againstPeer(
    result.subjects.map(withSummaries),
    scenario?.peer,
    scenario?.subjectTargets ?? {},
  );
  if (scenario?.peer !== undefined) return { ...result, subjects };
  const [first, second] = subjects;
  const ok = (s: SubjectResult | undefined): s is SubjectResult =>
    s !== undefined && s.status === "ok" && s.samples.length > 0;
  const paired = (pick: (s: Sample) => number | undefined) => {
    if (!ok(first) || !ok(second)) return undefined;
    const a = first.samples.map(pick);
    const b = second.samples.map(pick);
    if (a.some((x) => x === undefined) || b.some((x) => x === undefined)) return undefined;
    return summarise(pairedRatios(a as number[], b as number[]));
  };
  const ratio = paired((s) => s.wallMs);
  const cpuRatio = paired((s) => s.cpuMs);
  const target = result.target;
  const verdict =
    target === undefined
      ? undefined
      : {
          wall: judge(target, ok(first) ? first.wallMs : undefined, first?.maxRssMb, ratio),
          cpu: judge(target, ok(first) ? first.cpuMs : undefined, first?.maxRssMb, cpuRatio),
        };
  return {
    ...result,
    subjects,
    ...(ratio ? { ratio } : {}),
    ...(cpuRatio ? { cpuRatio } : {}),
    ...(verdict ? { verdict } : {}),
  };
}

const ms = (x: number) =>
  x >= 10_000
    ? `${(x / 1000).toFixed(1)} s`
    : x >= 1000
      ? `${(x / 1000).toFixed(2)} s`
      : `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const mb = (x: number) => `${x.toFixed(0)} MB`;
const spread = (s: Summary, unit: (x: number) => string) => `${unit(s.min)}–${unit(s.max)}`;

const ratioText = (r: Summary | undefined) =>
  r === undefined ? "—" : `${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)})`;

export function markdown(report: Report): string {
  const m = report.machine;
  const lines = [
    `Machine: ${m.cpu}, ${m.cores} cores (nproc), ${m.memoryGb} GB, ${m.platform}, Node ${m.node}; ` +
      `1-min load average ${m.loadavg1.toFixed(1)} at start, ${m.loadavg1End.toFixed(1)} at end. ${report.date.slice(0, 10)}, ${report.seconds.toFixed(0)} s in all.`,
    "",
    "| scenario | subject | n | wall median (min–max) | wall IQR | CPU median (min–max) | peak RSS median (min–max) | vs peer, paired: wall · CPU | target | verdict: wall · CPU |",
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
      const c = subject.cpuMs;
      const r = subject.maxRssMb;
      const cells =
        subject.status !== "ok" || w === undefined
          ? [subject.status.replaceAll("|", "/").split("\n")[0], "", "", ""]
          : [
              `${ms(w.median)} (${spread(w, ms)})`,
              `${ms(w.q1)}–${ms(w.q3)}`,
              c === undefined ? "—" : `${ms(c.median)} (${spread(c, ms)})`,
              r === undefined ? "—" : `${mb(r.median)} (${spread(r, mb)})`,
            ];
      const first = i === 0;
      const vs = subject.vsPeer
        ? `${ratioText(subject.vsPeer.wall)} · ${ratioText(subject.vsPeer.cpu)}`
        : first && scenario.ratio !== undefined
          ? `${ratioText(scenario.ratio)} · ${ratioText(scenario.cpuRatio)}`
          : "";
      const own = subject.verdict ?? (first ? scenario.verdict : undefined);
      const verdict = own ? `${own.wall} · ${own.cpu}` : "";
      const goal =
        subject.verdict !== undefined ? (subjectTargetText(scenario, subject.id) ?? "") : first ? target : "";
      lines.push(
        `| ${first ? scenario.id : ""} | ${subject.id}: ${subject.label} | ${subject.samples.length} | ${cells.join(" | ")} | ${vs} | ${goal} | ${verdict} |`,
      );
      if (subject.phases !== undefined)
        notes.push(
          `- ${scenario.id} / ${subject.id} phases (wall medians): ${Object.entries(subject.phases)
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
  return [...lines, "", ...growthTable(report.scenarios), ...notes].join("\n");
}

const subjectTargetText = (scenario: ScenarioResult, id: string) => scenario.subjectTargets?.[id]?.text;

/**
 * Growth exponents of each subject between consecutive sizes of a series (scenarios sharing
 * `scale.series`): log(cost ratio) / log(size ratio) of CPU medians and of peak RSS medians. 1 is
 * linear; the target is at most `scale.maxExponent`.
 */
export function growthTable(scenarios: readonly ScenarioResult[]): string[] {
  const series = new Map<string, ScenarioResult[]>();
  for (const s of scenarios)
    if (s.scale !== undefined) series.set(s.scale.series, [...(series.get(s.scale.series) ?? []), s]);
  const lines: string[] = [];
  for (const [name, members] of series) {
    const sorted = [...members].sort((a, b) => a.scale!.size - b.scale!.size);
    if (sorted.length < 2) continue;
    const ids = [...new Set(sorted.flatMap((s) => s.subjects.map((x) => x.id)))];
    const max = sorted[0]?.scale?.maxExponent;
    lines.push(
      `Growth exponents, ${name} (CPU · peak RSS; 1 = linear${max === undefined ? "" : `, target ≤ ${max} for CPU`}):`,
      "",
      `| from → to | ${ids.join(" | ")} |`,
      `|---|${ids.map(() => "--:").join("|")}|`,
    );
    for (let i = 1; i < sorted.length; i++) {
      const [a, b] = [sorted[i - 1]!, sorted[i]!];
      const cells = ids.map((id) => {
        const x = a.subjects.find((s) => s.id === id);
        const y = b.subjects.find((s) => s.id === id);
        const e = (pick: (s: SubjectResult) => number | undefined) => {
          const [p, q] = [x && pick(x), y && pick(y)];
          return p === undefined || q === undefined
            ? "—"
            : (Math.log(q / p) / Math.log(b.scale!.size / a.scale!.size)).toFixed(2);
        };
        return `${e((s) => s.cpuMs?.median)} · ${e((s) => s.maxRssMb?.median)}`;
      });
      lines.push(
        `| ${a.scale!.size.toLocaleString("en")} → ${b.scale!.size.toLocaleString("en")} | ${cells.join(" | ")} |`,
      );
    }
    lines.push("");
  }
  return lines;
}
