/**
 * What runs of a call the mesh routes: where both ends run on Kubernetes and the callee surely
 * speaks HTTP or gRPC, src/compile/mesh puts the call's deadline and retries in a VirtualService
 * route and the caller's sidecar makes them — with Envoy's back-off, and with one route for all
 * the caller's calls to that callee. The analysis (a call's figures) and the policies read the
 * call as deployed from here, so that what they judge is what runs; test/model/mesh-calls.test.ts
 * holds it to the routes compiled.
 */
import { ENGINE_CAPABILITIES } from "../engines/capabilities.js";
import type { ModelIndex } from "./model-index.js";
import { servedByLeader } from "./placement.js";
import type { ResolvedCall, ResolvedComponent, ResolvedService } from "./types.js";

/**
 * Envoy's retry back-off, which the sidecar waits before every retry the mesh makes, whatever the
 * call declares: Istio 1.24's VirtualService (`HTTPRetry`: attempts, perTryTimeout, retryOn; the
 * version topoplan installs, src/compile/prerequisites/addons.ts) has no field for it. Envoy's
 * jittered exponential back-off (source/common/common/backoff_strategy.cc,
 * JitteredExponentialBackOffStrategy): a random wait below an interval that starts at the base and
 * doubles up to the maximum — 25, 50, 100, 200, 250 ms — with the router's defaults of a 25 ms base
 * and 10 × base as the maximum (router filter docs, x-envoy-max-retries; RetryPolicy.RetryBackOff).
 * That is the declared `backoff` form with these values.
 */
export const MESH_RETRY_BACKOFF = { baseMs: 25, maxMs: 250, multiplier: 2, jitter: true } as const;

/**
 * Whether the mesh surely makes the retries of a call with `op`: both ends run on Kubernetes and
 * the callee is a service, an engine that speaks gRPC (etcd) or a store without an engine that
 * declares http or grpc (`deploy.protocol`) — for what its leader serves, not such a store, whose
 * clients dial the leader's members themselves — from any region (across clusters through a
 * ServiceEntry). Not a stream (its own protocol), a wire protocol (an engine's: PostgreSQL, CQL, RESP, Kafka; or a declared
 * `tcp`), nor a store without an engine that declares none: topoplan compiles a route for it
 * where it has members, which Envoy applies only if the port carries HTTP; a database image
 * speaks its wire protocol, which Istio's protocol sniffing passes through as TCP, so its clients
 * are taken to retry it (docs/model.md).
 */
export function meshRetries(
  caller: ResolvedService,
  callee: ResolvedComponent | undefined,
  op: string,
): boolean {
  if (caller.deploy.target !== "kubernetes" || callee === undefined || callee.kind === "stream") return false;
  if (callee.deploy.target !== "kubernetes") return false;
  if (callee.kind === "service") return true;
  const engine = callee.deploy.engine;
  const protocol = engine === undefined ? callee.deploy.protocol : ENGINE_CAPABILITIES[engine].clientProtocol;
  if (protocol !== "grpc" && protocol !== "http") return false;
  // Clients that find the primary themselves dial its members for what the leader serves, not the
  // Service the route is for (a store without an engine: they know its members).
  return !(callee.findsPrimary === "itself" && servedByLeader(callee, op));
}

/**
 * The route for a caller's calls to one callee (say a read and a write): the mesh cannot tell them
 * apart, so none is cut short (the largest timeouts) and none retries more than declared (the
 * fewest retries).
 */
export function routeOf(calls: readonly ResolvedCall[]): ResolvedCall {
  const [first] = calls;
  if (first === undefined) throw new Error("routeOf needs at least one call");
  return {
    ...first,
    timeoutMs: Math.max(...calls.map((c) => c.timeoutMs)),
    perTryTimeoutMs: Math.max(...calls.map((c) => c.perTryTimeoutMs)),
    retries: Math.min(...calls.map((c) => c.retries)),
  };
}

/** A call as it runs, and whether the mesh runs it. */
export interface DeployedCall {
  /** The declared call, or with its route's deadlines, retries and Envoy's back-off. */
  readonly call: ResolvedCall;
  readonly byMesh: boolean;
  /** The caller's calls to that callee sharing its route (itself included), when the mesh runs it. */
  readonly sharing?: readonly ResolvedCall[];
}

const deployed = new WeakMap<ModelIndex, WeakMap<ResolvedService, readonly DeployedCall[]>>();

/**
 * A caller's calls as they run, in declaration order; made once per model and caller (the
 * analysis asks per region, and the policies again).
 */
export function deployedCalls(index: ModelIndex, caller: ResolvedService): readonly DeployedCall[] {
  let byCaller = deployed.get(index);
  if (byCaller === undefined) {
    byCaller = new WeakMap();
    deployed.set(index, byCaller);
  }
  let calls = byCaller.get(caller);
  if (calls === undefined) {
    calls = caller.calls.map((call) => runOf(index, caller, call));
    byCaller.set(caller, calls);
  }
  return calls;
}

/** One of the caller's calls as it runs (see {@link deployedCalls}). */
export function deployedCall(index: ModelIndex, caller: ResolvedService, call: ResolvedCall): DeployedCall {
  return deployedCalls(index, caller)[caller.calls.indexOf(call)] ?? runOf(index, caller, call);
}

function runOf(index: ModelIndex, caller: ResolvedService, call: ResolvedCall): DeployedCall {
  if (!meshRetries(caller, index.component(call.to), call.op)) return { call, byMesh: false };
  const sharing = caller.calls.filter((c) => c.to === call.to);
  const route = routeOf(sharing);
  return {
    call: {
      ...call,
      timeoutMs: route.timeoutMs,
      perTryTimeoutMs: route.perTryTimeoutMs,
      retries: route.retries,
      backoff: MESH_RETRY_BACKOFF,
    },
    byMesh: true,
    sharing,
  };
}

/** The longest wait before each of the call's retries (the top of any jitter range); none without a backoff. */
export function retryWaitsMs(call: ResolvedCall): number[] {
  const waits: number[] = [];
  const backoff = call.backoff;
  if (backoff === undefined) return waits;
  for (let n = 1; n <= call.retries; n++)
    waits.push(Math.min(backoff.maxMs, backoff.baseMs * backoff.multiplier ** (n - 1)));
  return waits;
}

/** All the waits between the call's attempts (the sum of {@link retryWaitsMs}). */
export function retryWaitTotalMs(call: ResolvedCall): number {
  return retryWaitsMs(call).reduce((sum, wait) => sum + wait, 0);
}
