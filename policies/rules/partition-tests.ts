import { plural } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/** Replicated components should be exercised by network-partition experiments (Chaos Mesh). */
export const partitionTests: Rule = {
  id: "partition-tests",
  title: "Replicated components are partition-tested",
  severity: "warning",
  docs: {
    why: "Failover paths that are never exercised do not work when needed: leader election, quorum loss and client retries under a partition are where replicated systems break.",
    how: "A datastore or stream with more than one replica must not set `chaos.enabled: false` (topoplan generates a network-partition experiment for each).",
    fix: "Remove `chaos: { enabled: false }` (or schedule the experiment for a quiet time with `chaos.schedule`).",
  },
  check(model) {
    const findings: Finding[] = [];
    for (const component of [...model.datastores, ...model.streams]) {
      if (component.replicas <= 1 || component.chaos.enabled) continue;
      findings.push({
        path: `${component.path}.chaos.enabled`,
        message: `${component.path} has ${plural(component.replicas, "replica")} in ${plural(component.regions.length, "region")} but chaos is disabled: no network-partition experiment exercises its failover`,
        fix: `set ${component.path}.chaos.enabled: true (pick a quiet chaos.schedule such as "0 3 * * 2")`,
      });
    }
    return findings;
  },
};
