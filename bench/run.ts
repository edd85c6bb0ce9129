/**
 * `npm run bench`: every scenario of bench/scenarios.ts, each sample in a fresh process after
 * warm-up runs, subjects of a comparison alternated (A B, B A, ...) so background load hits both.
 * Prints a table of medians and spreads and writes bench/results/latest.{json,md}.
 *
 * Options: --only id[,id]  run some scenarios (ids: check-100, check-1000, check-10000,
 *          commands-200, commands-2000, commands-20000, commands-10m-partitions, render, pulumi,
 *          cold-start, cold-start-ts, solve-5, solve-9, solve-9-roles, lab); --subjects id[,id]  only
 *          these subjects of each scenario (e.g. check,render,diff of a commands-* scenario: keep its
 *          peer to get ratios); --samples N  override sample counts; --warmups N.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { engineOf } from "../src/engines/registry.js";
import { runLabBench, writeLabResults } from "./lab.js";
import { machine } from "./lib/machine.js";
import { measure, type Sample } from "./lib/measure.js";
import { repoRoot } from "./lib/optional.js";
import { evaluate, markdown, type ScenarioResult, type SubjectResult } from "./lib/report.js";
import { SCENARIOS, type Scenario } from "./scenarios.js";

/** `--only lab`: the lab's prediction-error table (real engines; needs root), after the timings. */
const LAB = "lab";

const USAGE = `usage: npm run bench -- [--only id[,id]] [--subjects id[,id]] [--samples N] [--warmups N]
scenarios: ${[...SCENARIOS.map((s) => s.id), LAB].join(", ")}
`;

/** The options, or usage on stderr and exit 2 for --help, an unknown option or a bad count. */
function options() {
  try {
    const { values } = parseArgs({
      options: {
        only: { type: "string" },
        subjects: { type: "string" },
        samples: { type: "string" },
        warmups: { type: "string" },
        help: { type: "boolean" },
      },
    });
    for (const name of ["samples", "warmups"] as const) {
      const text = values[name];
      if (text !== undefined && !/^[0-9]+$/.test(text))
        throw new Error(`--${name} wants a whole number, not "${text}"`);
    }
    if (values.help === true) {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    return values;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
}
const values = options();
const only = values.only?.split(",").map((s) => s.trim());
const subjectFilter = values.subjects?.split(",").map((s) => s.trim());
const unknown = only?.filter((id) => id !== LAB && !SCENARIOS.some((s) => s.id === id)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(
    `unknown scenario ${unknown.join(", ")}; known: ${[...SCENARIOS.map((s) => s.id), LAB].join(", ")}\n`,
  );
  process.exit(2);
}
const count = (text: string | undefined) => (text === undefined ? undefined : Number.parseInt(text, 10));
const samplesOverride = count(values.samples);
const warmupsOverride = count(values.warmups);

const log = (text: string) => process.stderr.write(`${text}\n`);

async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const started = performance.now();
  const loadBefore = machine().loadavg1;
  const base = {
    id: scenario.id,
    title: scenario.title,
    ...(scenario.target ? { target: scenario.target } : {}),
    ...(scenario.subjectTargets ? { subjectTargets: scenario.subjectTargets } : {}),
    ...(scenario.scale ? { scale: scenario.scale } : {}),
  };
  let prepared: Awaited<ReturnType<Scenario["prepare"]>>;
  try {
    prepared = await scenario.prepare();
  } catch (error) {
    return {
      ...base,
      subjects: [],
      error: error instanceof Error ? error.message : String(error),
      loadavg: [loadBefore],
    };
  }
  if ("skipped" in prepared)
    return { ...base, subjects: [], skipped: prepared.skipped, loadavg: [loadBefore] };

  const subjects = prepared.subjects.filter(
    (subject) => subjectFilter === undefined || subjectFilter.includes(subject.id),
  );
  const state = subjects.map(() => ({ samples: [] as Sample[], status: "ok" as string }));
  const live = (i: number) => state[i]!.status === "ok";
  const take = async (i: number, warm: boolean) => {
    if (!live(i)) return;
    const outcome = await measure(subjects[i]!.runner, scenario.timeoutMs);
    if ("skipped" in outcome) state[i]!.status = outcome.skipped;
    else if ("error" in outcome) state[i]!.status = `error: ${outcome.error}`;
    else if (!warm) state[i]!.samples.push(outcome.sample);
  };

  const warmups = warmupsOverride ?? scenario.warmups;
  const samples = samplesOverride ?? scenario.samples;
  for (let w = 0; w < warmups; w++) for (let i = 0; i < subjects.length; i++) await take(i, true);
  const minimum = Math.min(3, samples);
  for (let s = 0; s < samples; s++) {
    const elapsed = (performance.now() - started) / 1000;
    if (s >= minimum && elapsed > scenario.budgetS) {
      log(
        `  ${scenario.id}: ${elapsed.toFixed(0)} s > budget ${scenario.budgetS} s; stopping at ${s} samples`,
      );
      break;
    }
    // Alternate the order so neither side always runs right after the other.
    const order = subjects.map((_, i) => i);
    if (s % 2 === 1) order.reverse();
    for (const i of order) await take(i, false);
    log(
      `  ${scenario.id}: sample ${s + 1}/${samples} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
  }

  const results: SubjectResult[] = subjects.map((subject, i) => ({
    id: subject.id,
    label: subject.label,
    status: state[i]!.status,
    samples: state[i]!.samples,
  }));
  return {
    ...base,
    ...(prepared.note === undefined ? {} : { note: prepared.note }),
    subjects: results,
    loadavg: [loadBefore, machine().loadavg1],
    seconds: (performance.now() - started) / 1000,
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const info = machine();
  log(
    `topoplan bench on ${info.cpu} (${info.cores} cores), node ${info.node}, load ${info.loadavg1.toFixed(2)}`,
  );
  const results: ScenarioResult[] = [];
  for (const scenario of SCENARIOS) {
    if (only !== undefined && !only.includes(scenario.id)) continue;
    log(`${scenario.id}: ${scenario.title}`);
    results.push(evaluate(await runScenario(scenario), scenario));
  }
  const report = {
    machine: { ...info, loadavg1End: machine().loadavg1 },
    date: new Date().toISOString(),
    seconds: (performance.now() - started) / 1000,
    scenarios: results,
  };
  const text = markdown(report);
  process.stdout.write(`\n${text}\n`);
  const dir = join(repoRoot(), "bench", "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, "latest.md"), `${text}\n`);
  log(`wrote bench/results/latest.json and latest.md (${report.seconds.toFixed(0)} s)`);
  if (only === undefined || only.includes(LAB)) {
    const lab = await runLabBench(repoRoot(), engineOf, log);
    process.stdout.write(`\n${writeLabResults(repoRoot(), lab)}`);
    log("wrote bench/results/lab.json and lab.md");
  }
}

await main();
