import { z } from "zod";

/** Component names become Kubernetes object names and metric labels: DNS-1123 labels. */
export const ComponentName = z
  .string()
  .regex(/^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/, {
    error:
      "must be a lowercase DNS label: letters, digits and '-', starting with a letter, at most 40 characters",
  })
  .meta({ description: "Component name (DNS-1123 label, at most 40 characters)." });

/** A region code from the catalog (AWS, e.g. `eu-west-1`) or one of the topology's own `regions`. */
export const RegionCode = z
  .string()
  .regex(/^[a-z][a-z0-9-]*[a-z0-9]$/, { error: "must be a region code such as eu-west-1" })
  .meta({ description: "Region code, e.g. eu-west-1 (catalog) or a site declared under `regions`." });

/** `EU` or an ISO 3166-1 alpha-2 country code (`DE`, `GB`, `US`). */
export const Jurisdiction = z
  .string()
  .regex(/^[A-Z]{2}$/, { error: 'must be "EU" or an ISO 3166-1 alpha-2 country code such as "DE"' })
  .meta({ description: 'Jurisdiction: "EU" or an ISO 3166-1 alpha-2 country code.' });

/**
 * A fraction in (0, 1): SLO targets are written 0.9999, not 99.99. A value above 1 is almost
 * always a percentage; the semantic stage turns that into "did you mean 0.9999?".
 */
export const Availability = z
  .number()
  .gt(0, { error: "must be a fraction between 0 and 1, e.g. 0.999" })
  .lt(1, {
    error: (issue) =>
      typeof issue.input === "number" && issue.input > 1 && issue.input < 100
        ? `${issue.input} is a percentage; availability is a fraction: did you mean ${+(issue.input / 100).toPrecision(6)}?`
        : "must be a fraction below 1 (100% is not an achievable target), e.g. 0.9999",
  })
  .meta({ description: "Availability target as a fraction, e.g. 0.9999 for 99.99%." });

export const Milliseconds = z.number().positive().meta({ description: "Duration in milliseconds." });
export const PerSecond = z.number().nonnegative().meta({ description: "Rate per second." });
export const Bytes = z.int().positive().meta({ description: "Size in bytes." });
export const Count = z.int().positive();

export const DatastoreSlo = z
  .strictObject({
    availability: Availability.optional(),
    readP99Ms: Milliseconds.optional().meta({ description: "p99 read latency target seen by clients, ms." }),
    writeP99Ms: Milliseconds.optional().meta({ description: "p99 write (commit) latency target, ms." }),
    replicationLagMs: Milliseconds.optional().meta({
      description: "Largest acceptable replication lag to any replica, ms.",
    }),
    rpoSeconds: z.number().nonnegative().optional().meta({
      description: "Largest acceptable data-loss window when the leader's region is lost, s.",
    }),
    rtoSeconds: z.number().positive().optional().meta({
      description: "Largest acceptable time until writes resume after the leader's region is lost, s.",
    }),
  })
  .meta({ description: "Service-level objectives of a datastore." });

export const ServiceSlo = z.strictObject({
  availability: Availability.optional(),
  latencyP99Ms: Milliseconds.optional().meta({ description: "p99 request latency target, ms." }),
});

export const StreamSlo = z.strictObject({
  availability: Availability.optional(),
  endToEndP99Ms: Milliseconds.optional().meta({ description: "p99 produce-to-consume latency target, ms." }),
  consumerLagMs: Milliseconds.optional().meta({ description: "Largest acceptable consumer lag, ms." }),
});

/**
 * Metric names the observability target queries for a component without an engine. The defaults
 * are Istio's standard metrics, which every meshed service emits from its sidecar
 * (https://istio.io/latest/docs/reference/config/metrics/): requests counted and timed by the
 * destination's proxy. Components on an engine use the engine's own metrics (src/engines).
 */
export const Metrics = z
  .strictObject({
    requests: z.string().default("istio_requests_total").meta({
      description: "Counter of requests. @default istio_requests_total",
    }),
    filter: z.string().optional().meta({
      description:
        'Label matchers every series must carry. @default reporter="destination" for Istio\'s istio_requests_total (the server side of each request), else none',
    }),
    errorSelector: z.string().optional().meta({
      description:
        'Label matcher that selects failed requests. @default response_code=~"5.."; a service with `deploy.protocol: grpc`: grpc_response_status=~"2|4|12|13|14|15", the statuses google.rpc.Code maps to HTTP 5xx (gRPC answers HTTP 200 and carries its status apart)',
    }),
    latencyBucket: z.string().default("istio_request_duration_milliseconds_bucket").meta({
      description:
        "Histogram bucket series of request duration; the unit is read from the name (`_milliseconds_` or `_seconds_`). @default istio_request_duration_milliseconds_bucket",
    }),
    latencySum: z.string().default("istio_request_duration_milliseconds_sum").meta({
      description:
        "Histogram sum series of request duration. @default istio_request_duration_milliseconds_sum",
    }),
    replicationLag: z.string().optional().meta({
      description: "Gauge of replication lag in seconds (datastores without an engine). @default none",
    }),
    path: z.string().optional().meta({
      description: "HTTP path of the scrape endpoint on the metrics port. @default /metrics",
    }),
  })
  .meta({ description: "Prometheus metric names for this component's SLIs." });

export const Observability = z.strictObject({
  metrics: Metrics.optional(),
});

export const Chaos = z.strictObject({
  enabled: z.boolean().default(false).meta({
    description:
      "Generate network-partition experiments (Chaos Mesh Schedules) for this component. Opt-in: a partition in production is a decision, not a default. @default false",
  }),
  schedule: z
    .string()
    .default("@weekly")
    .meta({ description: "Cron schedule for experiments. @default @weekly" }),
});
