import { clientEndpoint, clientReach } from "../../src/compile/kubernetes/endpoints.js";
import { isKubernetes } from "../../src/compile/observability/k8s.js";
import { isReadOp } from "../../src/model/call-ops.js";
import { modelIndex } from "../../src/model/model-index.js";
import { list, producingIntoMirror } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/**
 * A call compiles to a host the caller's cluster resolves: a callee's Service exists only in the
 * clusters that run it, and across clusters only an exported one (Multi-Cluster Services) has a
 * name. An operator's client Service that topoplan does not export (Strimzi's Kafka bootstrap) is
 * out of reach from a region without the component. A stream's mirror-only region has a cluster,
 * but one MirrorMaker 2 fills: a producer there would write into a copy nothing copies onward.
 */
export const clusterReach: Rule = {
  id: "cluster-reach",
  title: "Calls across clusters have an address there",
  severity: "error",
  docs: {
    why: "Each region runs its own Kubernetes cluster. A caller in a region where the callee has no pods dials the callee's Service by its clusterset name, which exists only when the Service is exported; an operator's client Service that is not (Strimzi's `<stream>-kafka-bootstrap`, whose brokers advertise cluster-local names) cannot be reached from another cluster: the compiled calls would fail on DNS while the analysis prices them. A Kafka stream's mirror-only region (in `mirrorRegions`, not `regions`) has a cluster and a bootstrap Service, but MirrorMaker 2 fills it with the stream regions' records and copies nothing out of it: a producer's pods there would write records no consumer in another region ever gets, while the analysis prices their produces at a stream region.",
    how: "For every call of a service on Kubernetes to a component on Kubernetes, from each of the caller's regions: the client endpoint the compiler gives it (src/compile/kubernetes/endpoints.ts) must be served in that region, or be exported to the clusterset. And for every Kubernetes stream, each producer on Kubernetes (declared in `producers`, or calling it with any op but `consume` and `read`) must run in none of its mirror-only regions.",
    fix: "Run the caller only in regions where the callee serves clients, or give the callee a cluster in the caller's region (a stream's `regions`: a stream region takes produces, whose records reach consumers elsewhere only where a mirror region they read copies them).",
  },
  check(model) {
    const findings: Finding[] = [];
    const index = modelIndex(model);
    // Each callee's reach once (clientEndpoint's serving regions and export): a caller is stranded
    // in a region the callee does not serve when its client Service is not exported.
    const reach = new Map<string, ReturnType<typeof clientReach>>();
    const reachOf = (callee: Parameters<typeof clientReach>[0]) => {
      let known = reach.get(callee.name);
      if (known === undefined) {
        known = clientReach(callee);
        reach.set(callee.name, known);
      }
      return known;
    };
    for (const service of model.services) {
      if (!isKubernetes(service)) continue;
      for (const call of service.calls) {
        const callee = index.component(call.to);
        if (callee === undefined || !isKubernetes(callee)) continue;
        const { serving, exported } = reachOf(callee);
        if (exported) continue;
        const regions = service.regions.filter((region) => !serving.includes(region));
        if (regions.length === 0) continue;
        const endpoint = clientEndpoint(model, callee, regions[0]!);
        findings.push({
          path: call.path,
          message: `${service.name} calls ${call.to} from ${list(regions)}, where ${call.to} serves no clients: its clients dial ${endpoint.service} (${endpoint.host}), which exists only in ${list(endpoint.regions)} and is not exported to other clusters`,
          fix: `run ${service.path} only in ${list(endpoint.regions)}, or give ${callee.path} a cluster in ${list(regions)}${callee.kind === "stream" ? ` (${callee.path}.regions)` : ""}`,
          data: { regions, servedIn: endpoint.regions },
        });
      }
    }
    // Producers, declared or by their calls, whose pods in a mirror-only region write into the mirror.
    for (const stream of model.streams) {
      if (!isKubernetes(stream)) continue;
      const produceCalls = index.callsTo(stream.name).filter(({ call }) => !isReadOp(call.op));
      const producers = new Set([...stream.producers, ...produceCalls.map(({ service }) => service.name)]);
      for (const name of [...producers].sort()) {
        const service = index.service(name);
        const mirrorOnly = service === undefined ? [] : producingIntoMirror(stream, service);
        if (service === undefined || mirrorOnly.length === 0) continue;
        const site = produceCalls.find((c) => c.service.name === name);
        findings.push({
          path: site?.call.path ?? `${stream.path}.producers[${stream.producers.indexOf(name)}]`,
          message: `${name} produces to ${stream.name} from ${list(mirrorOnly)}, where ${stream.name} has only a mirror: its pods there would write into the copy MirrorMaker 2 fills, which is copied to no other region, so consumers elsewhere never get those records`,
          fix: `run ${service.path} only in ${list(stream.regions)}, or make ${list(mirrorOnly)} a stream region (${stream.path}.regions), whose records reach consumers elsewhere only where a mirror region they read copies them (${stream.path}.mirrorRegions)`,
          data: { regions: mirrorOnly, mirrorOnly: true },
        });
      }
    }
    return findings;
  },
};
