import { z } from "zod";
import { ComponentName, RegionCode } from "./common.js";
import { Datastore } from "./datastore.js";
import { CustomRegion, ModelSettings, Network } from "./network.js";
import { PolicySettings, type PolicySettingsInput } from "./policies.js";
import { Service } from "./service.js";
import { Stream } from "./stream.js";

export const Users = z.record(RegionCode, z.number().positive()).meta({
  description:
    "Where requests come from: region → share of demand; the shares add up to 1 (rounding is normalised).",
});

export const Topology = z
  .strictObject({
    $schema: z.string().optional().meta({ description: "JSON Schema reference for editors." }),
    name: ComponentName.meta({
      description: "Topology name; also the default namespace and Pulumi resource prefix.",
    }),
    description: z.string().optional(),
    users: Users.optional(),
    regions: z.record(RegionCode, CustomRegion).default({}).meta({
      description: "Regions or sites of your own, added to the catalog.",
    }),
    datastores: z.record(ComponentName, Datastore).default({}),
    services: z.record(ComponentName, Service).default({}),
    streams: z.record(ComponentName, Stream).default({}),
    network: Network.default({ links: [], crossZoneRttMs: 1 }),
    model: ModelSettings.default({ processingTailFactor: 1.5 }),
    policies: PolicySettings.default({}),
  })
  .meta({
    title: "topoplan topology",
    description: "A distributed system's topology: components, placement, SLOs, residency and traffic.",
  });

/**
 * Top-level keys starting with `x-` are extension fields, ignored as Docker Compose ignores them:
 * a place for YAML anchors (`x-defaults: &defaults`, then `<<: *defaults`) and for other tools'
 * data. Taken out before validation; the JSON Schema allows them (json-schema.ts).
 */
export const EXTENSION_KEY = /^x-/;

/** The spec without its top-level extension fields (the input itself when it has none). */
export function withoutExtensions(data: unknown): unknown {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return data;
  const keys = Object.keys(data);
  if (!keys.some((key) => EXTENSION_KEY.test(key))) return data;
  return Object.fromEntries(
    keys
      .filter((key) => !EXTENSION_KEY.test(key))
      .map((key) => [key, (data as Record<string, unknown>)[key]]),
  );
}

/** The validated topology with every default applied. */
export type Topology = z.output<typeof Topology>;
/**
 * What authors write: defaults optional. `policies` is spelt out because zod types its catch-all
 * (`"<rule>.<setting>": value`) as an index signature that would also swallow `disabled` & co.
 */
export type TopologyInput = Omit<z.input<typeof Topology>, "policies"> & {
  policies?: PolicySettingsInput | undefined;
};
export type Datastore = z.output<typeof Datastore>;
export type Service = z.output<typeof Service>;
export type Stream = z.output<typeof Stream>;
