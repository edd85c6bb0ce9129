import { plural } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/** Replicated components should be exercised by network-partition experiments (Chaos Mesh). */
export const partitionTests: Rule = {
  id: "partition-tests",
  title: "Replicated components are partition-tested",
  severity: "warning",
  docs: {
    why: "Failover paths that are never exercised do not work when needed: leader election, quorum loss and client retries under a partition are where replicated systems break.",
    how: "Chaos is opt-in: nothing runs unless a component sets `chaos.enabled: true`. A datastore or stream with more than one replica that has not opted in gets this warning until it does; then topoplan generates a Chaos Mesh network-partition Schedule per failure domain.",
    fix: 'Set `chaos: { enabled: true, schedule: "0 3 * * 2" }` on the component once a partition experiment is acceptable there (a staging stack first), or suppress the finding with your reason.',
  },
  check(model) {
    const findings: Finding[] = [];
    for (const component of [...model.datastores, ...model.streams]) {
      if (component.replicas <= 1 || component.chaos.enabled) continue;
      findings.push({
        path: `${component.path}.chaos.enabled`,
        message: `${component.path} has ${plural(component.replicas, "replica")} in ${plural(component.regions.length, "region")} but no partition experiment: chaos is opt-in and not enabled, so nothing exercises its failover`,
        fix: `set ${component.path}.chaos.enabled: true (pick a quiet chaos.schedule such as "0 3 * * 2")`,
      });
    }
    return findings;
  },
};
