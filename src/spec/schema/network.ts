import { z } from "zod";
import { Jurisdiction, Milliseconds, RegionCode } from "./common.js";

export const Link = z
  .strictObject({
    between: z.tuple([RegionCode, RegionCode]).meta({ description: "The two regions the link joins." }),
    bandwidthMbps: z.number().positive().optional().meta({
      description:
        "Capacity available to this topology in each direction, Mbit/s. @default unlimited (not checked)",
    }),
    rttMs: Milliseconds.optional().meta({ description: "Override the catalog's median RTT, ms." }),
    egressUsdPerGb: z.number().nonnegative().optional().meta({
      description:
        "Price per GB sent over this link in either direction, USD (a Direct Connect, Interconnect or ExpressRoute connection's data transfer out). @default the catalog's: to a site of your own, the cloud's internet egress",
    }),
  })
  .meta({ description: "An inter-region network link: capacity, RTT and/or price override." });

export const Network = z.strictObject({
  links: z.array(Link).default([]),
  crossZoneRttMs: Milliseconds.default(1).meta({
    description: "RTT between zones of one region, ms. @default 1",
  }),
});

/** A region or site of the user's own (on-premises, another cloud), added to the catalog. */
export const CustomRegion = z
  .strictObject({
    name: z.string().optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .meta({ description: "ISO 3166-1 alpha-2 country code." }),
    jurisdiction: Jurisdiction.optional().meta({
      description: '@default "EU" for EU member states, else the country',
    }),
    zones: z.array(z.string()).min(1).meta({ description: "Failure domains (zones) of the site." }),
    rttMs: z.record(RegionCode, Milliseconds).meta({
      description:
        "Median RTT to other regions, ms; regions not listed are unreachable for latency purposes.",
    }),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
    egressUsdPerGb: z
      .number()
      .nonnegative()
      .optional()
      .meta({ description: "Egress price from this site. @default 0.02" }),
    crossZoneUsdPerGb: z.number().nonnegative().optional().meta({
      description:
        "What a GB sent between two of the site's zones costs, USD, every charge on the way. @default 0 (a site of your own bills none)",
    }),
  })
  .meta({ description: "A region or site that is not in the catalog." });

/** Knobs of the analysis model (docs/model.md). */
const Probability = z.number().gt(0).lt(1);

export const ModelSettings = z.strictObject({
  tailFactor: z.number().min(1).optional().meta({
    description:
      "Flat override: p99 = p50 × tailFactor for network round trips. @default measured per-pair jitter (docs/model.md)",
  }),
  processingTailFactor: z.number().min(1).default(1.5).meta({
    description: "p99 = processingMs × this for a service's own time (estimate; no data). @default 1.5",
  }),
  commonModeProbability: z.number().min(0).lt(1).optional().meta({
    description:
      "Probability that a common-mode failure (bad deploy, control plane, DNS) takes a component down whatever its spread; availability never exceeds 1 − this. @default catalog value",
  }),
  failureRates: z
    .strictObject({
      regions: z.record(RegionCode, Probability).default({}),
      zones: z.record(z.string(), Probability).default({}),
    })
    .optional()
    .meta({ description: "Per-region / per-zone unavailability overrides (fractions of time)." }),
  zoneFailureProbability: z.number().gt(0).lt(1).optional().meta({
    description: "Probability a zone is down at a random moment. @default catalog value",
  }),
  regionFailureProbability: z.number().gt(0).lt(1).optional().meta({
    description: "Probability a whole region is down at a random moment. @default catalog value",
  }),
});
