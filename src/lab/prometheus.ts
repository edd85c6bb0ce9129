import { stringify } from "yaml";
import type { AnalysisChange, Failure } from "../analysis/types.js";
import { ALERT, componentRuleGroups } from "../compile/observability/index.js";
import type { Model, ResolvedComponent, ResolvedDatastore } from "../model/types.js";
import type { PlacedMember } from "./sites.js";

/**
 * A real Prometheus (Debian `prometheus`) in the observer's namespace: it scrapes every member's
 * metrics endpoint through the relays (no delay for the observer) and evaluates the rule groups the
 * observability compiler generates for the component, in every region it runs in. It listens on
 * the observer namespace's loopback only.
 */
export const PROMETHEUS_BINARY = "/usr/bin/prometheus";
export const PROMETHEUS_PORT = 9090;
/** Short intervals: a lab run lasts a minute, not the 30 s × 10 scrapes production rules assume. */
export const LAB_SCRAPE_INTERVAL = "2s";

export function prometheusFiles(
  model: Model,
  component: ResolvedComponent,
  members: readonly PlacedMember[],
  dir: string,
): Record<string, string> {
  const regions = [...new Set(members.map((m) => m.local.member.region))].sort();
  const ruleFiles = Object.fromEntries(
    regions.map((region) => [
      `${dir}/rules-${region}.yml`,
      stringify({ groups: componentRuleGroups(model, component, region, { minRequestsPerSecond: 1 }) }),
    ]),
  );
  const config = {
    global: { scrape_interval: LAB_SCRAPE_INTERVAL, evaluation_interval: LAB_SCRAPE_INTERVAL },
    rule_files: Object.keys(ruleFiles),
    scrape_configs: members
      .filter((m) => m.local.metrics !== undefined)
      .map((m) => ({
        job_name: m.local.member.name,
        metrics_path: m.local.metrics!.path,
        scrape_timeout: "1s",
        static_configs: [
          {
            targets: [`${m.address}:${m.local.metrics!.port}`],
            labels: {
              topoplan_component: component.name,
              topoplan_region: m.local.member.region,
              topoplan_topology: model.name,
            },
          },
        ],
      })),
  };
  return { [`${dir}/prometheus.yml`]: stringify(config), ...ruleFiles };
}

export function prometheusCommand(dir: string): string[] {
  return [
    PROMETHEUS_BINARY,
    `--config.file=${dir}/prometheus.yml`,
    `--storage.tsdb.path=${dir}/data`,
    `--web.listen-address=127.0.0.1:${PROMETHEUS_PORT}`,
    "--log.level=warn",
  ];
}

/**
 * The alerts the model expects the failures to raise: a failed region or zone holding members takes
 * their scrape targets down; losing the write quorum leaves no leader and burns the availability
 * budget; a broken latency or lag objective raises its alert (from what-if's changes).
 */
export function predictedAlerts(
  component: ResolvedDatastore,
  failures: readonly Failure[],
  changes: readonly AnalysisChange[],
): string[] {
  const mine = changes.filter((c) => c.component === component.name);
  const out = new Set<string>();
  const hit = failures.some((f) =>
    f.kind === "region"
      ? component.regions.includes(f.region)
      : f.kind === "zone" && component.placement.some((p) => p.zones.includes(f.zone)),
  );
  if (hit) out.add(ALERT.memberDown);
  const lost = mine.some((c) => c.kind === "lost-quorum");
  if (lost && component.replication === "consensus") out.add(ALERT.noLeader);
  if (component.slo.availability !== undefined && (lost || mine.some((c) => c.kind === "unavailable")))
    out.add(ALERT.burnPage);
  for (const c of mine.filter((x) => x.kind === "slo-broken")) {
    if (c.path.endsWith("P99Ms")) out.add(ALERT.latency);
    if (c.path.endsWith("replicationLagMs")) out.add(ALERT.replicationLag);
  }
  return [...out].sort();
}
