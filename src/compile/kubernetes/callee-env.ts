import { endpointEnv } from "../../model/endpoint-env.js";
import { modelIndex } from "../../model/model-index.js";
import type { Model, ResolvedService } from "../../model/types.js";
import { byText } from "../../order.js";
import { clientEndpoint, type OnKubernetes } from "./endpoints.js";

/**
 * Where a service's callees on Kubernetes answer it, as environment variables of its pods in one
 * region: the host and port of the Service its client dials there (endpoints.ts `clientEndpoint`,
 * the address the NetworkPolicies and the mesh's routes are made for) — the cluster-local name where
 * the callee serves clients in that region, its clusterset name where it does not. It differs by
 * region, so no `deploy.env` shared by every region could hold it. Named like Kubernetes' own
 * service variables (`<SVC>_SERVICE_HOST`) and the AWS endpoints (aws/access.ts):
 * `TOPOPLAN_<CALLEE>_HOST`, `_PORT`, and `_DISCOVERY` (`host:port`) where a client first asks
 * another Service which member to use (Redis Sentinel, which names the primary). Each suffix is one
 * word, so no two Kubernetes callees' names meet (`cache` and `cache-discovery` give CACHE_DISCOVERY
 * and CACHE_DISCOVERY_HOST); the spec check refuses an AWS callee's that would
 * (spec/semantic/endpoint-env.ts). A variable the service declares in `deploy.env` wins (pod.ts).
 */
export function calleeEnv(model: Model, caller: ResolvedService, region: string): Record<string, string> {
  const index = modelIndex(model);
  const env: Record<string, string> = {};
  for (const name of [...new Set(caller.calls.map((call) => call.to))].sort(byText)) {
    const callee = index.component(name);
    if (callee === undefined || callee.deploy.target !== "kubernetes") continue;
    const endpoint = clientEndpoint(model, callee as OnKubernetes, region);
    env[endpointEnv(name, "kubernetes", "HOST")] = endpoint.host;
    env[endpointEnv(name, "kubernetes", "PORT")] = String(endpoint.port);
    const [discovery] = endpoint.discoveryPorts;
    if (discovery !== undefined && endpoint.discoveryHost !== undefined)
      env[endpointEnv(name, "kubernetes", "DISCOVERY")] = `${endpoint.discoveryHost}:${discovery}`;
  }
  return env;
}
