import type { TopologyInput } from "../../../src/spec/schema/topology.js";

export const K8S = { target: "kubernetes", image: "ghcr.io/acme/app:1.0.0" } as const;

/**
 * `api` (in eu-west-1, with `caller`'s settings) making `calls`, to `users` (a service on
 * Kubernetes: the mesh runs calls to it from Kubernetes) or `plain` (a store on Kubernetes without
 * an engine, whose protocol topoplan does not know).
 */
export const meshShop = (caller: Record<string, unknown>, calls: unknown[]): TopologyInput =>
  ({
    name: "shop",
    datastores: {
      plain: {
        replication: "consensus",
        replicas: 3,
        placement: { "eu-west-1": 3 },
        deploy: { ...K8S, port: 7000 },
      },
    },
    services: {
      api: { regions: ["eu-west-1"], ...caller, calls },
      users: { regions: ["eu-west-1"], deploy: K8S },
    },
  }) as never;
