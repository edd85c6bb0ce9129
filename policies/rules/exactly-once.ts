import { list } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/** Exactly-once delivery (Kafka EOS) needs idempotent producers, transactions and durable acks. */
export const exactlyOnce: Rule = {
  id: "exactly-once",
  title: "Exactly-once streams have what exactly-once needs",
  severity: "error",
  docs: {
    why: "Exactly-once delivery is a property of the whole pipeline: without idempotent producers retries duplicate messages, without transactions consumers see partial writes, and with fewer than 3 replicas or minInSync < 2 — or with unclean leader election, which lets an out-of-sync replica lead and drop acknowledged records — an acknowledged message can be lost.",
    how: "A stream with `delivery: exactly-once` needs idempotentProducers: true, transactions: true, replicas ≥ 3, minInSync ≥ 2 and uncleanLeaderElection: false (unclean.leader.election.enable; MSK's default is true).",
    fix: "Set the missing settings, or declare `delivery: at-least-once` and make consumers idempotent.",
  },
  check(model) {
    const findings: Finding[] = [];
    for (const stream of model.streams) {
      if (stream.delivery !== "exactly-once") continue;
      const missing: string[] = [];
      const fixes: string[] = [];
      if (!stream.idempotentProducers) {
        missing.push("idempotent producers (idempotentProducers is false)");
        fixes.push("idempotentProducers: true");
      }
      if (!stream.transactions) {
        missing.push("transactions (transactions is false)");
        fixes.push("transactions: true");
      }
      if (stream.replicas < 3) {
        missing.push(`replicas ≥ 3 (has ${stream.replicas})`);
        fixes.push("replicas: 3");
      }
      if (stream.minInSync < 2) {
        missing.push(`minInSync ≥ 2 (has ${stream.minInSync})`);
        fixes.push("minInSync: 2");
      }
      if (stream.uncleanLeaderElection) {
        missing.push("unclean leader election off (uncleanLeaderElection is true)");
        fixes.push("uncleanLeaderElection: false");
      }
      if (missing.length === 0) continue;
      findings.push({
        path: `${stream.path}.delivery`,
        message: `exactly-once delivery needs ${list(missing)}`,
        fix: `set ${fixes.join(", ")} on ${stream.path}, or declare delivery: at-least-once with idempotent consumers`,
        data: { missing: fixes },
      });
    }
    return findings;
  },
};
