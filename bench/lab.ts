/**
 * The lab's prediction-error table: six topologies (etcd 3 and 5 members over 3 regions with the
 * leader near and far from the users; PostgreSQL sync and async over 2–3 regions, and a failover of
 * the primary's zone under Patroni standing in for CloudNativePG), each run for real
 * by `topoplan lab` with one failure, predicted beside measured. Writes bench/results/lab.{json,md}.
 * Skips (with the reason) when not root or an engine cannot run here.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseFailures } from "../src/analysis/index.js";
import { InputError } from "../src/diagnostics/diagnostic.js";
import type { EngineDefinition } from "../src/engines/types.js";
import { type LabReport, runLabReport } from "../src/lab/index.js";
import type { ResolvedDatastore } from "../src/model/types.js";
import { loadTopology } from "../src/pipeline.js";

export const LAB_TOPOLOGIES = [
  { file: "etcd-3-near.yaml", fail: ["region:eu-west-1"] },
  { file: "etcd-3-far.yaml", fail: ["link:eu-west-1/us-east-1"] },
  { file: "etcd-5.yaml", fail: ["region:eu-central-1"] },
  { file: "pg-sync.yaml", fail: ["zone:eu-west-1b"] },
  { file: "pg-async.yaml", fail: ["region:us-east-1"] },
  { file: "pg-failover.yaml", fail: ["zone:eu-west-1a"] },
] as const;

export interface LabBenchResult {
  readonly file: string;
  readonly report?: LabReport;
  /** Why it could not run here (not root, a binary missing: the lab's exit 2). */
  readonly skipped?: string;
  /** Why a run that started broke off (a member that did not start, no leader): a result, not a skip. */
  readonly failed?: string;
}

export async function runLabBench(
  root: string,
  engineFor: (ds: ResolvedDatastore) => EngineDefinition | undefined,
  log: (line: string) => void,
): Promise<LabBenchResult[]> {
  const out: LabBenchResult[] = [];
  for (const topology of LAB_TOPOLOGIES) {
    const loaded = await loadTopology(join(root, "test/lab/fixtures", topology.file));
    const ds = loaded.model.datastores[0]!;
    const engine = engineFor(ds);
    if (engine === undefined) {
      out.push({ file: topology.file, skipped: `no engine for ${ds.name} (deploy.engine)` });
      continue;
    }
    log(`lab ${topology.file} --fail ${topology.fail.join(" ")}`);
    try {
      const report = await runLabReport({
        model: loaded.model,
        datastore: ds,
        engine,
        failures: parseFailures(loaded.model, topology.fail),
        failureTexts: topology.fail,
        log: (line) => log(`  ${line}`),
      });
      out.push({ file: topology.file, report });
    } catch (error) {
      const reason = error instanceof Error ? error.message.split("\n")[0]! : String(error);
      out.push(
        error instanceof InputError
          ? { file: topology.file, skipped: reason }
          : { file: topology.file, failed: reason },
      );
    }
  }
  return out;
}

/** One line per judged prediction: topology, phase, figure, origin, predicted, measured, error, result. */
export function labMarkdown(results: readonly LabBenchResult[]): string {
  const lines = [
    "| topology | phase | figure | origin | predicted | measured | error | result |",
    "|---|---|---|---|--:|--:|--:|---|",
  ];
  const notes: string[] = [];
  for (const result of results) {
    if (result.report === undefined) {
      notes.push(
        result.failed === undefined
          ? `- ${result.file}: skipped: ${result.skipped}`
          : `- ${result.file}: **the run broke off**: ${result.failed}`,
      );
      continue;
    }
    const r = result.report;
    notes.push(
      `- ${result.file} (--fail ${r.failures.join(" ")}): relay overhead ${Object.values(r.relayOverheadMs)
        .map((ms) => `${ms.toFixed(1)} ms`)
        .join(
          " / ",
        )} per round trip (subtracted); load ${r.machine.loadPerCore.toFixed(1)} per core${r.machine.bottleneck ? "; machine was a bottleneck" : ""}`,
    );
    for (const row of r.rows.filter((x) => x.pass !== undefined))
      lines.push(
        `| ${result.file.replace(".yaml", "")} | ${row.phase} | ${row.figure} | ${row.origin ?? ""} | ${row.predicted} | ${row.measured} | ${row.relativeError === undefined ? "" : `${(row.relativeError * 100).toFixed(1)}%`} | ${row.pass ? "PASS" : "**FAIL**"} |`,
      );
  }
  return `${[...lines, "", ...notes].join("\n")}\n`;
}

export function writeLabResults(root: string, results: readonly LabBenchResult[]): string {
  const dir = join(root, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const text = labMarkdown(results);
  writeFileSync(join(dir, "lab.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(dir, "lab.md"), text);
  return text;
}
