import { sloIndicators } from "../../src/compile/observability/rules.js";
import { engineOfImage } from "../../src/engines/ids.js";
import { engineOf } from "../../src/engines/registry.js";
import type { ResolvedComponent } from "../../src/model/types.js";
import type { Finding, Rule } from "../types.js";

/** The SLO names each component kind declares. */
function sloNames(component: ResolvedComponent): string[] {
  return Object.entries(component.slo)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);
}

/** What a component's alerts are computed from, for messages. */
function metricSource(component: ResolvedComponent): string {
  const engine = engineOf(component);
  if (engine !== undefined)
    return `the ${engine.capabilities.title} engine's metrics give no indicator for it`;
  if (component.kind === "service" && !component.metricsDeclared)
    return component.streamWorker
      ? "it consumes streams, no service calls it and it declares no traffic, so the mesh's request metrics (Istio) never see its work"
      : "the mesh's standard metrics (Istio) give no indicator for it";
  return component.metricsDeclared
    ? "observability.metrics give no indicator for it"
    : "no known metrics (no engine, no observability.metrics): no indicator";
}

/**
 * Every SLO needs an alert path: a deployed component and a metric its engine (or mesh, or
 * declared exporter) really emits. The generated rules and this rule read the same table
 * (`sloIndicators`), so the rule cannot claim coverage the rules do not have.
 */
export const observabilityCoverage: Rule = {
  id: "observability-coverage",
  title: "Every SLO has an alert path",
  severity: "warning",
  docs: {
    why: "An SLO nobody is alerted on is a wish: the error budget burns silently.",
    how: "topoplan generates burn-rate, latency, replication-lag and no-data alerts for components it deploys, from metrics the component really emits: its engine's (`deploy.engine`), Istio's for services, or the ones named in `observability.metrics`. An SLO whose indicator no such metric gives (e.g. p99 latency on PostgreSQL, which exports no latency histogram), an SLO on a datastore or stream with neither an engine nor declared metrics, or on a component with `deploy.target: external`, has no generated alert. AWS components are alerted through CloudWatch.",
    fix: "Pick an engine (`deploy.engine`), name the metrics your image exports in `observability.metrics`, or alert on the SLO where it runs and suppress the finding with that reason; drop SLOs nobody can measure.",
  },
  check(model) {
    const findings: Finding[] = [];
    for (const component of [...model.datastores, ...model.services, ...model.streams]) {
      const slos = sloNames(component);
      if (slos.length === 0) continue;
      if (component.deploy.target === "external") {
        findings.push({
          path: `${component.path}.slo`,
          message: `${component.path} has SLOs (${slos.join(", ")}) but deploy target external: topoplan generates no alert for them`,
          // The AWS target hosts datastores and streams (managed services), not services.
          fix: `deploy ${component.name} with topoplan (${component.kind === "service" ? "deploy.target: kubernetes" : "deploy.target: kubernetes or aws"}), or alert on it where it runs and suppress this finding with that reason`,
        });
        continue;
      }
      const indicators = component.deploy.target === "kubernetes" ? sloIndicators(component) : [];
      for (const { slo, covered } of indicators) {
        // A stream's consumer lag is reported below, with the fix that fits it.
        if (covered || slo === "consumerLagMs") continue;
        const recognised =
          component.deploy.target === "kubernetes" ? engineOfImage(component.deploy.image) : undefined;
        findings.push({
          path: `${component.path}.slo`,
          message: `${component.path} SLO ${slo} has no alert: ${metricSource(component)}`,
          fix:
            component.kind === "service" && component.streamWorker && !component.metricsDeclared
              ? `name the metrics it exports in ${component.path}.observability.metrics (its record counters as requests, failed records as the error selector), or drop the SLO`
              : engineOf(component) !== undefined || component.kind === "service"
                ? `alert on ${slo} from a metric you export (e.g. client-side latency histograms) and suppress this finding with that reason, or drop the SLO`
                : recognised !== undefined
                  ? `its image is ${recognised}'s: set ${component.path}.deploy.engine: "${recognised}" so topoplan configures the cluster and alerts on its metrics`
                  : `set ${component.path}.deploy.engine, or name the metrics its image exports in ${component.path}.observability.metrics`,
        });
      }
      // MSK's CloudWatch metrics are per broker, topic and consumer group: none spans producer to
      // consumer, and no alarm is compiled for it (on Kubernetes, sloIndicators says the same).
      if (
        component.kind === "stream" &&
        component.deploy.target === "aws" &&
        component.slo.endToEndP99Ms !== undefined
      ) {
        findings.push({
          path: `${component.path}.slo`,
          message: `${component.path} SLO endToEndP99Ms has no alert: MSK's CloudWatch metrics give no producer-to-consumer latency`,
          fix: "alert on endToEndP99Ms from a metric you export (e.g. the consumers' record-age histograms) and suppress this finding with that reason, or drop the SLO",
        });
      }
      // On AWS, MSK alarms on EstimatedMaxTimeLag (seconds) per consumer group (src/compile/aws/msk.ts).
      if (
        component.kind === "stream" &&
        component.deploy.target === "kubernetes" &&
        component.slo.consumerLagMs !== undefined &&
        !indicators.some((i) => i.slo === "consumerLagMs" && i.covered)
      ) {
        findings.push({
          path: `${component.path}.slo.consumerLagMs`,
          message: `${component.path} has a consumerLagMs SLO but no consumer-lag metric in milliseconds to derive it from`,
          fix: "alert on consumer lag yourself (Kafka Exporter's kafka_consumergroup_lag counts messages, not ms) and suppress this finding with that reason, or drop consumerLagMs",
        });
      }
    }
    return findings;
  },
};
