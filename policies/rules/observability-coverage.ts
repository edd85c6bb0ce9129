import type { ResolvedComponent } from "../../src/model/types.js";
import type { Finding, Rule } from "../types.js";

/** The SLO names each component kind declares. */
function sloNames(component: ResolvedComponent): string[] {
  return Object.entries(component.slo)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);
}

/** Every SLO needs an alert path: a deployed component and a metric topoplan can derive it from. */
export const observabilityCoverage: Rule = {
  id: "observability-coverage",
  title: "Every SLO has an alert path",
  severity: "warning",
  docs: {
    why: "An SLO nobody is alerted on is a wish: the error budget burns silently.",
    how: "topoplan generates burn-rate and lag alerts for components it deploys (kubernetes, aws) from their metrics. An SLO on a component with `deploy.target: external` has no generated alert; a stream `consumerLagMs` SLO has no metric in `observability.metrics` to derive it from.",
    fix: "Deploy the component with topoplan, or alert on it where it runs and suppress the finding with that reason; drop SLOs nobody can measure.",
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
          fix: `deploy ${component.name} with topoplan (kubernetes or aws), or alert on it where it runs and suppress this finding with that reason`,
        });
        continue;
      }
      if (component.kind === "stream" && component.slo.consumerLagMs !== undefined) {
        findings.push({
          path: `${component.path}.slo.consumerLagMs`,
          message: `${component.path} has a consumerLagMs SLO but no consumer-lag metric to derive it from (observability.metrics has requests, latency and replicationLag only)`,
          fix: "export consumer lag (e.g. kafka-exporter's kafka_consumergroup_lag) and alert on it yourself, or drop consumerLagMs",
        });
      }
    }
    return findings;
  },
};
