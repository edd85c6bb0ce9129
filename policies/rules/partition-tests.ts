import { plural } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/** Replicated components should be exercised by network-partition experiments (Chaos Mesh). */
export const partitionTests: Rule = {
  id: "partition-tests",
  title: "Replicated components are partition-tested",
  severity: "warning",
  docs: {
    why: "Failover paths that are never exercised do not work when needed: leader election, quorum loss and client retries under a partition are where replicated systems break.",
    how: "Chaos is opt-in: nothing runs unless a component sets `chaos.enabled: true`. A datastore or stream on Kubernetes with more than one replica that has not opted in gets this warning until it does; then topoplan generates a Chaos Mesh network-partition Schedule per failure domain. An AWS-managed or external one gets it whatever `chaos.enabled` says: Chaos Mesh partitions pods, and such a component has none topoplan runs.",
    fix: 'On Kubernetes, set `chaos: { enabled: true, schedule: "0 3 * * 2" }` on the component once a partition experiment is acceptable there (a staging stack first); elsewhere, exercise its failover with the provider\'s tools (AWS Fault Injection Service, a managed switchover drill) and suppress the finding with that reason.',
  },
  check(model) {
    const findings: Finding[] = [];
    for (const component of [...model.datastores, ...model.streams]) {
      if (component.replicas <= 1) continue;
      const replicas = `${component.path} has ${plural(component.replicas, "replica")} in ${plural(component.regions.length, "region")}`;
      const path = `${component.path}.chaos.enabled`;
      if (component.deploy.target === "kubernetes") {
        if (component.chaos.enabled) continue;
        findings.push({
          path,
          message: `${replicas} but no partition experiment: chaos is opt-in and not enabled, so nothing exercises its failover`,
          fix: `set ${path}: true (pick a quiet chaos.schedule such as "0 3 * * 2")`,
        });
        continue;
      }
      // Chaos Mesh partitions pods: a managed service or a system run elsewhere has none to cut.
      const where =
        component.deploy.target === "aws" ? `AWS-managed (${component.deploy.service})` : "external";
      findings.push({
        path,
        message: `${replicas} but no partition experiment: topoplan generates them for components it runs on Kubernetes, and this one is ${where}${component.chaos.enabled ? ", so chaos.enabled runs nothing here" : ""}; nothing exercises its failover`,
        fix: `exercise its failover ${component.deploy.target === "aws" ? "with AWS's own tools on a schedule (AWS Fault Injection Service, or the service's failover drill such as an Aurora switchover)" : "where it runs (a scheduled failover drill by whoever operates it)"}, then suppress this finding at ${path} with that reason${component.chaos.enabled ? ` and remove ${path}` : ""}`,
      });
    }
    return findings;
  },
};
