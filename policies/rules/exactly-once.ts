import { clientCluster } from "../../src/analysis/destinations.js";
import { isReadOp } from "../../src/model/call-ops.js";
import { mirrorPairs } from "../../src/model/msk-clusters.js";
import { list } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/** Whether topoplan runs the stream's cluster (Kubernetes or MSK): then it is the stream's alone. */
const compiled = (stream: { deploy: { target: string } } | undefined) =>
  stream !== undefined && stream.deploy.target !== "external";

/** Exactly-once delivery (Kafka EOS) needs idempotent producers, transactions and durable acks. */
export const exactlyOnce: Rule = {
  id: "exactly-once",
  title: "Exactly-once streams have what exactly-once needs",
  severity: "error",
  docs: {
    why: "Exactly-once delivery is a property of the whole pipeline: without idempotent producers retries duplicate messages, without transactions consumers see partial writes, and with fewer than 3 replicas or minInSync < 2 — or with unclean leader election, which lets an out-of-sync replica lead and drop acknowledged records — an acknowledged message can be lost.",
    how: "A stream with `delivery: exactly-once` needs idempotentProducers: true, transactions: true, replicas ≥ 3, minInSync ≥ 2 and uncleanLeaderElection: false (unclean.leader.election.enable, compiled as declared; MSK's own default is true); no producer of it may read another stream (read-process-write): each stream is its own Kafka cluster, and transactions work within one; and no consumer may read it in a mirror region, where MirrorMaker 2 or MSK Replicator copies records at least once.",
    fix: "Set the missing settings, or declare `delivery: at-least-once` and make consumers idempotent.",
  },
  check(model) {
    const findings: Finding[] = [];
    // What each service consumes and produces, as listed on the streams or by its calls' op; and
    // each stream's producers and consumers (looked up per stream: a scan per stream was quadratic).
    const consumes = new Map<string, Set<string>>();
    const produces = new Map<string, Set<string>>();
    const producersOf = new Map<string, Set<string>>();
    const consumersOf = new Map<string, Set<string>>();
    const add = (map: Map<string, Set<string>>, service: string, stream: string) => {
      map.set(service, (map.get(service) ?? new Set()).add(stream));
      const inverse = map === produces ? producersOf : consumersOf;
      inverse.set(stream, (inverse.get(stream) ?? new Set()).add(service));
    };
    const byName = new Map(model.streams.map((s) => [s.name, s]));
    const servicesByName = new Map(model.services.map((s) => [s.name, s]));
    const streamNames = new Set(byName.keys());
    for (const stream of model.streams) {
      for (const p of stream.producers) add(produces, p, stream.name);
      for (const c of stream.consumers) add(consumes, c, stream.name);
    }
    for (const service of model.services)
      for (const call of service.calls) {
        if (!streamNames.has(call.to)) continue;
        add(isReadOp(call.op) ? consumes : produces, service.name, call.to);
      }
    for (const stream of model.streams) {
      if (stream.delivery !== "exactly-once") continue;
      // A processor reading another stream into this one: each stream is its own Kafka cluster
      // (src/engines/kafka.ts, MSK: one cluster per stream), and a transaction commits the consumed
      // offsets with the produced records in one cluster only (KIP-98 sendOffsetsToTransaction; Kafka
      // Streams' bootstrap.servers: "can only communicate with a single Kafka cluster").
      for (const processor of [...(producersOf.get(stream.name) ?? [])].sort()) {
        // Two streams someone else runs may share a cluster; one topoplan compiles never does.
        const inputs = [...(consumes.get(processor) ?? [])]
          .filter((s) => s !== stream.name && (compiled(stream) || compiled(byName.get(s))))
          .sort();
        if (inputs.length === 0) continue;
        findings.push({
          path: `${stream.path}.delivery`,
          message: `${processor} reads ${list(inputs)} and writes ${stream.name}, each its own Kafka cluster (topoplan compiles one per stream): a Kafka transaction commits the offsets read and the records written in one cluster only, and Kafka Streams talks to one cluster, so after a failure ${processor} reads again and writes some records to ${stream.name} twice`,
          fix: `declare delivery: at-least-once on ${stream.path} and make its consumers idempotent (dedupe by a key ${processor} carries over)`,
          data: { processor, inputs },
        });
      }
      // Consumers reading the copies a mirror writes: MirrorMaker 2 as compiled (kafka-mirror.ts)
      // runs without exactly.once.source.support (KIP-618) and its source consumer reads
      // read_uncommitted (the default), so aborted records are copied and a restart copies some
      // again; MSK Replicator documents no exactly-once delivery. Only mirrors topoplan compiles.
      const mirrored = compiled(stream) ? new Set(mirrorPairs(stream).map((pair) => pair.target)) : new Set();
      const readers = [...(consumersOf.get(stream.name) ?? [])]
        .map((name) => servicesByName.get(name))
        .flatMap((service) => {
          // The clusters its pods read (on MSK, from a region without one, the nearest).
          const regions = [
            ...new Set(
              (service?.regions ?? []).flatMap((r) => clientCluster(model, stream, r, "read", service) ?? []),
            ),
          ].filter((r) => mirrored.has(r));
          return service === undefined || regions.length === 0 ? [] : [{ name: service.name, regions }];
        })
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      if (readers.length > 0) {
        const mirror = stream.deploy.target === "aws" ? "MSK Replicator" : "MirrorMaker 2";
        const regions = [...new Set(readers.flatMap((r) => r.regions))].sort();
        findings.push({
          path: `${stream.path}.delivery`,
          message: `${list(readers.map((r) => `${r.name} (in ${list(r.regions)})`))} ${readers.length === 1 ? "reads" : "read"} ${stream.name} where ${mirror} copies its records from the other regions, at least once: ${
            mirror === "MSK Replicator"
              ? "MSK Replicator documents no exactly-once delivery"
              : "the compiled MirrorMaker 2 runs without exactly.once.source.support (KIP-618) and reads the source read_uncommitted, so records of aborted transactions are copied and a restart copies some records again"
          }`,
          fix: `declare delivery: at-least-once on ${stream.path} and make its consumers idempotent, or read it in the stream's own regions only (not ${list(regions)})`,
          data: { mirrorReaders: readers.map((r) => r.name), regions },
        });
      }
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
