import { ENGINE_CAPABILITIES } from "../../src/engines/capabilities.js";
import type { ResolvedDatastore } from "../../src/model/types.js";
import { enginesRunning } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/** Strong consistency needs coordination: one writer per key (consensus) or overlapping read/write quorums. */
export const consistencyCoordination: Rule = {
  id: "consistency-coordination",
  title: "Strong consistency has the coordination it needs",
  severity: "error",
  docs: {
    why: "Linearizable reads need every read to see the latest acknowledged write. Multi-leader replication accepts concurrent writes in several regions and resolves conflicts later; async primary-replica loses acknowledged writes on failover; leaderless quorums with R + W ≤ N can miss the latest write.",
    how: "`consistency: strong` is flagged with `replication: multi-leader`, with `primary-replica` unless `sync: sync`, and with `leaderless` when R + W ≤ N.",
    fix: "Use consensus replication, make the quorums overlap (R + W > N), or declare the consistency you actually get (bounded-staleness, session or eventual). Sync primary-replica also gives strong reads, but every replica then acknowledges each write, so losing a zone that holds one stops writes (the survival rule says so).",
  },
  check(model) {
    const findings: Finding[] = [];
    for (const store of model.datastores) {
      if (store.consistency !== "strong") continue;
      const path = `${store.path}.consistency`;
      if (store.replication === "multi-leader") {
        findings.push({
          path,
          message:
            store.writeRegions.length > 1
              ? `strong consistency with multi-leader replication: ${store.writeRegions.length} regions (${store.writeRegions.join(", ")}) accept concurrent writes that are reconciled after the fact`
              : `strong consistency with multi-leader replication: only ${store.writeRegions.join(", ")} takes writes, and the other regions serve reads from copies that lag it`,
          fix: `use replication: consensus for strong consistency${model.topology.datastores?.[store.name]?.leaders === undefined ? "" : ` (without ${store.path}.leaders, which only multi-leader takes)`}, or declare consistency: eventual (or session) for multi-leader`,
          data: { writeRegions: store.writeRegions },
        });
      } else if (store.replication === "primary-replica" && store.sync !== "sync") {
        findings.push({
          path,
          message:
            store.sync === "semi-sync"
              ? "strong consistency with semi-sync primary-replica replication: a commit waits for one standby to receive it, not for the replicas to apply it, so reads from replicas can miss acknowledged writes"
              : `strong consistency with ${store.sync} primary-replica replication: replicas lag the primary and a failover loses acknowledged writes`,
          fix: `${toConsensus(store)}, or declare consistency: ${weakerThanStrong(store).join(" or ")} (sync: sync also gives strong reads, but every replica must then acknowledge each write, and losing a zone that holds one stops writes)`,
          data: { sync: store.sync },
        });
      } else if (
        store.replication === "leaderless" &&
        store.quorum.read + store.quorum.write <= store.replicas
      ) {
        findings.push({
          path,
          message: `strong consistency with leaderless quorums R ${store.quorum.read} + W ${store.quorum.write} = ${store.quorum.read + store.quorum.write} ≤ N ${store.replicas}: a read can miss the latest write`,
          fix: `raise quorum.read or quorum.write so R + W > ${store.replicas} (e.g. R ${Math.floor(store.replicas / 2) + 1}, W ${Math.floor(store.replicas / 2) + 1}), or declare consistency: eventual`,
          data: { read: store.quorum.read, write: store.quorum.write, replicas: store.replicas },
        });
      }
    }
    return findings;
  },
};

/** The store's engine's capabilities, if it declares one. */
const capabilitiesOf = (store: ResolvedDatastore) =>
  store.deploy.target === "kubernetes" && store.deploy.engine !== undefined
    ? ENGINE_CAPABILITIES[store.deploy.engine]
    : undefined;

/** The way to consensus: on an engine that does not run it, another engine (validation refuses the pair). */
function toConsensus(store: ResolvedDatastore): string {
  const caps = capabilitiesOf(store);
  if (caps === undefined || (caps.replication ?? []).includes("consensus"))
    return "use replication: consensus";
  return `move to a consensus engine (replication: consensus with deploy.engine ${enginesRunning("consensus").join(" or ")}: ${caps.title} runs no consensus)`;
}

/** Consistencies weaker than strong that the store may declare (its engine's, when it has one). */
function weakerThanStrong(store: ResolvedDatastore): string[] {
  const all = capabilitiesOf(store)?.consistency ?? ["bounded-staleness", "session", "eventual"];
  return all.filter((c) => c !== "strong");
}
