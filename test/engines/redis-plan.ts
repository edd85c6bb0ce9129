import { compilePlan } from "../../src/compile/index.js";
import { modelOf } from "../compile/kubernetes/helpers.js";

/** `cache`: Redis with Sentinel over `placement` (leader eu-west-1), with `services` calling it. */
export const redisPlan = (placement: Record<string, number>, services: object = {}) =>
  compilePlan(
    modelOf({
      name: "shop",
      users: { "eu-west-1": 1 },
      datastores: {
        cache: {
          replication: "primary-replica",
          replicas: Object.values(placement).reduce((a, b) => a + b, 0),
          placement,
          leader: "eu-west-1",
          deploy: { target: "kubernetes", engine: "redis" },
        },
      },
      services,
    } as never),
  ).resources;
