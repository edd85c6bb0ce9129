import { availabilitySlo } from "./rules/availability-slo.js";
import { bandwidth } from "./rules/bandwidth.js";
import { callCycle } from "./rules/call-cycle.js";
import { clusterReach } from "./rules/cluster-reach.js";
import { consistencyCoordination } from "./rules/consistency-coordination.js";
import { consumerCoverage } from "./rules/consumer-coverage.js";
import { exactlyOnce } from "./rules/exactly-once.js";
import { latencySlo } from "./rules/latency-slo.js";
import { leaderPlacement } from "./rules/leader-placement.js";
import { meshRoute } from "./rules/mesh-route.js";
import { observabilityCoverage } from "./rules/observability-coverage.js";
import { overReplication } from "./rules/over-replication.js";
import { partitionTests } from "./rules/partition-tests.js";
import { plaintextSecret } from "./rules/plaintext-secret.js";
import { replicationLagSlo } from "./rules/replication-lag-slo.js";
import { residency } from "./rules/residency.js";
import { retryAmplification } from "./rules/retry-amplification.js";
import { retryJitter } from "./rules/retry-jitter.js";
import { singlePointOfFailure } from "./rules/single-point-of-failure.js";
import { streamStorage } from "./rules/stream-storage.js";
import { survival } from "./rules/survival.js";
import { timeoutBudget } from "./rules/timeout-budget.js";
import type { Rule } from "./types.js";

/** Every built-in rule, in the order of DESIGN.md's rule list (the public ids). */
export const RULES: readonly Rule[] = Object.freeze([
  residency,
  bandwidth,
  latencySlo,
  availabilitySlo,
  survival,
  consistencyCoordination,
  replicationLagSlo,
  overReplication,
  retryAmplification,
  timeoutBudget,
  callCycle,
  singlePointOfFailure,
  exactlyOnce,
  retryJitter,
  partitionTests,
  observabilityCoverage,
  leaderPlacement,
  plaintextSecret,
  clusterReach,
  streamStorage,
  consumerCoverage,
  meshRoute,
]);

const BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.id, rule]));

/** A built-in rule by its stable id. */
export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id);
}
