/** The engine catalog: one file per engine, registered here. */
import type { ResolvedComponent } from "../model/types.js";
import { cassandra } from "./cassandra.js";
import { cockroachdb } from "./cockroachdb.js";
import { etcd } from "./etcd.js";
import type { EngineId } from "./ids.js";
import { kafka } from "./kafka.js";
import { postgresql } from "./postgresql.js";
import { redis } from "./redis.js";
import type { EngineComponent, EngineDefinition } from "./types.js";

/** Every engine: complete, so a new id without its file fails to compile. */
export const ENGINES: Readonly<Record<EngineId, EngineDefinition>> = {
  cassandra,
  cockroachdb,
  etcd,
  kafka,
  postgresql,
  redis,
};

/** The engine a datastore or stream runs on Kubernetes, if it names one. */
export function engineOf(component: ResolvedComponent): EngineDefinition | undefined {
  if (component.kind === "service" || component.deploy.target !== "kubernetes") return undefined;
  const id = component.deploy.engine;
  return id === undefined ? undefined : ENGINES[id];
}

export function isEngineComponent(component: ResolvedComponent): component is EngineComponent {
  return component.kind !== "service";
}
