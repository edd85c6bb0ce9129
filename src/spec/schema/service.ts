import { z } from "zod";
import {
  Chaos,
  ComponentName,
  Count,
  Jurisdiction,
  Milliseconds,
  Observability,
  PerSecond,
  RegionCode,
  ServiceSlo,
} from "./common.js";
import { Deploy } from "./deploy.js";

export const Backoff = z.strictObject({
  baseMs: Milliseconds.default(25).meta({ description: "First retry delay, ms. @default 25" }),
  maxMs: Milliseconds.default(1000).meta({ description: "Cap on any one delay, ms. @default 1000" }),
  multiplier: z
    .number()
    .min(1)
    .default(2)
    .meta({ description: "Exponential growth per attempt. @default 2" }),
  jitter: z.boolean().default(false).meta({
    description: "Randomise delays (full jitter) so retries from many clients spread out. @default false",
  }),
});

export const Call = z
  .strictObject({
    to: ComponentName.meta({ description: "Service, datastore or stream called." }),
    op: z.enum(["read", "write", "produce", "consume", "request"]).optional().meta({
      description:
        "What the call does. @default read for datastores, produce for streams, request for services",
    }),
    timeoutMs: Milliseconds.meta({ description: "Overall deadline of the call including retries, ms." }),
    perTryTimeoutMs: Milliseconds.optional().meta({
      description: "Deadline of one attempt, ms. @default timeoutMs",
    }),
    retries: z
      .int()
      .min(0)
      .max(10)
      .default(0)
      .meta({ description: "Retries after the first attempt. @default 0" }),
    backoff: Backoff.optional().meta({
      description:
        "Waits between attempts, as the application makes them. Where the mesh retries the call (both ends on Kubernetes; the callee a service, a gRPC engine, or a datastore declaring `protocol: http` or `grpc` for what its Service serves) the sidecar waits Envoy's back-off instead (25 ms doubling to 250 ms, jittered; docs/model.md).",
    }),
    hard: z.boolean().default(true).meta({
      description: "A hard dependency: the caller fails when the callee is down. @default true",
    }),
    callsPerRequest: z.number().positive().default(1).meta({
      description: "Calls made per request the caller serves. @default 1",
    }),
  })
  .meta({ description: "A call from a service to another component." });

export const Service = z
  .strictObject({
    description: z.string().optional(),
    regions: z.array(RegionCode).min(1).meta({ description: "Regions the service runs in." }),
    replicasPerRegion: Count.default(2).meta({ description: "Pods per region. @default 2" }),
    processingMs: Milliseconds.default(5).meta({
      description: "Median time the service spends itself, excluding calls, ms. @default 5",
    }),
    calls: z.array(Call).default([]),
    traffic: z
      .strictObject({
        requestsPerSec: PerSecond.meta({ description: "Requests per second over all regions." }),
      })
      .optional(),
    residency: z.array(Jurisdiction).min(1).optional().meta({
      description: "Jurisdictions this service may run in. @default those of the data it touches",
    }),
    slo: ServiceSlo.optional(),
    deploy: Deploy.default({ target: "external" }),
    observability: Observability.optional(),
    chaos: Chaos.optional(),
  })
  .meta({ description: "A stateless service and the calls it makes." });
