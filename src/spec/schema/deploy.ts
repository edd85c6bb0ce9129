import { z } from "zod";
import { ENGINE_IDS } from "../../engines/ids.js";
import { RegionCode } from "./common.js";

/** An environment value read from a Kubernetes Secret (`valueFrom.secretKeyRef`); docs/secrets.md. */
export const SecretRef = z
  .strictObject({
    secretRef: z.strictObject({
      name: z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, {
        error: "must be a Secret name: a lowercase DNS subdomain",
      }),
      key: z
        .string()
        .regex(/^[-._a-zA-Z0-9]{1,253}$/, { error: "must be a Secret key: letters, digits, '-', '_', '.'" }),
    }),
  })
  .meta({ description: "Read the value from key `key` of the Secret `name` in the component's namespace." });

/** Kubernetes workload settings; one cluster per region (see Pulumi stack config). */
export const KubernetesDeploy = z
  .strictObject({
    target: z.literal("kubernetes"),
    engine: z.enum(ENGINE_IDS).optional().meta({
      description:
        "Engine a datastore or stream runs (cockroachdb, postgresql, etcd, cassandra, redis for datastores; kafka for streams): topoplan configures its cluster, placement, leader and survival settings, and alerts on the metrics it emits. Without it the component runs as one generic StatefulSet of `image`, even an engine's official image (the observability-coverage rule then suggests the engine). @default none",
    }),
    image: z.string().min(1).optional().meta({
      description:
        "Container image reference, pinned by tag or digest. Required without `engine`. @default the engine's pinned official image",
    }),
    port: z.int().min(1).max(65535).default(8080).meta({ description: "Serving port. @default 8080" }),
    metricsPort: z
      .int()
      .min(1)
      .max(65535)
      .default(9090)
      .meta({ description: "Prometheus scrape port. @default 9090" }),
    peerPort: z.int().min(1).max(65535).optional().meta({
      description: "Replication peer port for datastores and streams. @default port",
    }),
    storageGi: z
      .int()
      .positive()
      .default(100)
      .meta({ description: "Volume size per replica, GiB. @default 100" }),
    storageClass: z
      .string()
      .optional()
      .meta({ description: "StorageClass of volume claims. @default cluster default" }),
    cpu: z.string().default("500m").meta({ description: "CPU request (and limit) per pod. @default 500m" }),
    memory: z.string().default("1Gi").meta({ description: "Memory request and limit per pod. @default 1Gi" }),
    namespace: z.string().optional().meta({ description: "Namespace. @default the topology name" }),
    args: z.array(z.string()).optional().meta({ description: "Container arguments." }),
    env: z
      .record(z.string(), z.union([z.string(), SecretRef]))
      .optional()
      .meta({
        description: "Environment variables: a literal, or `{ secretRef: { name, key } }` for a credential.",
      }),
    healthPath: z.string().default("/healthz").meta({
      description:
        "HTTP path of readiness/liveness probes (not used with `protocol: grpc`: the probes call the gRPC health service). @default /healthz",
    }),
    protocol: z.enum(["http", "grpc", "tcp"]).optional().meta({
      description:
        "What the serving port speaks. A service: http or grpc. grpc: the port is named `grpc` (the mesh speaks HTTP/2 to it and reads gRPC statuses: retries on UNAVAILABLE, the availability SLI from `grpc_response_status`), and the probes are Kubernetes gRPC probes of the standard health service (grpc.health.v1.Health; `healthPath` is not used). A datastore without an engine: tcp for a wire protocol (a database image: the port is named `tcp-client` and the mesh routes nothing, its clients retry), http or grpc (`http-client`, `grpc-client`: the mesh routes the calls and its sidecars retry them); without it Istio guesses the protocol and topoplan takes the clients to retry. An engine's protocol comes from the engine. @default http for a service, unknown for a datastore",
    }),
    streamingPaths: z.array(z.string()).min(1).optional().meta({
      description:
        "Services only: request paths whose requests stay open: gRPC streaming methods (`/package.Service/Method`), server-sent events, WebSockets; each exact, or a prefix when it ends in `/` (`/events/`). The mesh routes them without the callers' timeouts and retries (Envoy applies a route's timeout to a whole stream and would cut every one of them). Istio's request-duration histogram counts a stream's whole life, so a `latencyP99Ms` SLO on Istio's metrics would read the streams too (a warning says so). @default none",
    }),
  })
  .meta({ description: "Deploy to Kubernetes." });

/** Managed AWS services: state in AWS while services may run on Kubernetes. */
export const AwsDeploy = z
  .strictObject({
    target: z.literal("aws"),
    service: z
      .enum(["dynamodb", "aurora-postgresql", "msk", "s3"])
      .meta({ description: "Managed AWS service." }),
    instanceClass: z.string().optional().meta({
      description: "Instance class (Aurora: db.r6g.large, MSK: kafka.m7g.large). @default per service",
    }),
    engineVersion: z.string().optional().meta({ description: "Engine version. @default per service" }),
    storageGi: z
      .int()
      .positive()
      .optional()
      .meta({ description: "Broker volume size (MSK), GiB. @default 1000" }),
    replicationTimeControl: z.boolean().optional().meta({
      description:
        "S3 only: S3 Replication Time Control (99.99% of objects within 15 minutes, SLA). @default false",
    }),
    homeRegion: RegionCode.optional().meta({
      description:
        "Aurora and DynamoDB: region of the global cluster and its master secret (Aurora) or of the global table (DynamoDB), where it was created. Before moving `leader` (for Aurora after a managed switchover, docs/aws.md), set it to the old leader so they stay. @default leader",
    }),
    bufferCacheHitRatio: z.number().min(0).max(1).optional().meta({
      description:
        "Aurora only: share of page reads served from the buffer cache (CloudWatch BufferCacheHitRatio / 100); only the rest are billed read I/Os. @default 0.99 (an estimate: an OLTP working set that fits the cache)",
    }),
  })
  .meta({ description: "Deploy to a managed AWS service." });

/** Modelled and checked, but not compiled (e.g. a third-party API or a system managed elsewhere). */
export const ExternalDeploy = z
  .strictObject({ target: z.literal("external") })
  .meta({ description: "Not deployed by topoplan; analysed and checked only." });

export const Deploy = z.discriminatedUnion("target", [KubernetesDeploy, AwsDeploy, ExternalDeploy]);
