import { formatPath } from "../../diagnostics/diagnostic.js";
import { type CheckContext, componentsOf } from "./context.js";

interface KubernetesFields {
  readonly target?: unknown;
  readonly engine?: unknown;
  readonly protocol?: unknown;
  readonly streamingPaths?: unknown;
  readonly port?: unknown;
  readonly metricsPort?: unknown;
}

interface ComponentFields {
  readonly deploy?: KubernetesFields;
  readonly slo?: { readonly latencyP99Ms?: unknown };
  readonly observability?: { readonly metrics?: { readonly latencyBucket?: unknown } };
}

/** Schema defaults (src/spec/schema/deploy.ts, common.ts), for a spec that leaves them out. */
const DEFAULT_PORT = 8080;
const DEFAULT_METRICS_PORT = 9090;
const ISTIO_DURATION = "istio_request_duration_milliseconds_bucket";

/**
 * What a Kubernetes service's port speaks (`deploy.protocol`, `deploy.streamingPaths`): services'
 * fields only (an engine knows its own protocol); a gRPC service's own metrics on its serving
 * port would be scraped in HTTP/1.1 through a port the mesh reads as HTTP/2; streams counted in
 * Istio's request-duration histogram make a latency SLO read their whole lives.
 */
export function checkServiceProtocol(context: CheckContext): void {
  for (const kind of ["datastores", "streams"] as const)
    for (const [name, component] of componentsOf(context, kind)) {
      const deploy = (component as ComponentFields).deploy;
      if (deploy?.target !== "kubernetes") continue;
      // A datastore without an engine may say what its port speaks; an engine knows its own.
      const undeclarable: readonly ("protocol" | "streamingPaths")[] =
        kind === "datastores" && deploy.engine === undefined
          ? ["streamingPaths"]
          : ["protocol", "streamingPaths"];
      for (const field of undeclarable)
        if (deploy[field] !== undefined)
          context.report({
            code: "spec/deploy-mismatch",
            path: formatPath([kind, name, "deploy", field]),
            message:
              kind === "streams"
                ? `deploy.${field} is for services; what a stream's port speaks comes from its engine`
                : field === "streamingPaths"
                  ? "deploy.streamingPaths is for services; the mesh routes a datastore's requests whole"
                  : `deploy.protocol is for a datastore without an engine; ${String(deploy.engine)} speaks its own`,
            fix: `drop ${formatPath([kind, name, "deploy", field])}`,
          });
    }
  for (const [name, service] of componentsOf(context, "services")) {
    const { deploy, slo, observability } = service as ComponentFields;
    if (deploy?.target !== "kubernetes") continue;
    const at = (...rest: string[]) => formatPath(["services", name, ...rest]);
    if (deploy.protocol === "tcp")
      context.report({
        code: "spec/deploy-mismatch",
        path: at("deploy", "protocol"),
        message:
          "a service's port speaks http or grpc: topoplan routes, probes and measures its requests (tcp is for a datastore's wire protocol)",
        fix: `set ${at("deploy", "protocol")} to http or grpc, or drop it`,
      });
    const port = deploy.port ?? DEFAULT_PORT;
    if (
      deploy.protocol === "grpc" &&
      observability?.metrics !== undefined &&
      (deploy.metricsPort ?? DEFAULT_METRICS_PORT) === port
    )
      context.report({
        code: "spec/deploy-mismatch",
        path: at("deploy", "metricsPort"),
        message: `a gRPC service's metrics on its serving port ${String(port)}: Prometheus scrapes in HTTP/1.1, and the mesh speaks HTTP/2 to a port named grpc`,
        fix: `serve the metrics on a port of their own (${at("deploy", "metricsPort")})`,
      });
    const latencyBucket = observability?.metrics?.latencyBucket ?? ISTIO_DURATION;
    if (
      Array.isArray(deploy.streamingPaths) &&
      slo?.latencyP99Ms !== undefined &&
      latencyBucket === ISTIO_DURATION
    )
      context.report({
        code: "spec/streams-in-latency",
        severity: "warning",
        path: at("slo", "latencyP99Ms"),
        message: `${at()} has streaming paths and a latencyP99Ms SLO read from Istio's request durations, which count each stream's whole life (and carry no path to leave them out): the p99 alert would read the streams`,
        fix: `name a histogram of unary requests only in ${at("observability", "metrics", "latencyBucket")} (and latencySum), or drop latencyP99Ms`,
      });
  }
}
