/** The engine catalog: one file per engine, registered here. */
import type { ResolvedComponent } from "../model/types.js";
import { etcd } from "./etcd.js";
import type { EngineId } from "./ids.js";
import { postgresql } from "./postgresql.js";
import type { EngineComponent, EngineDefinition } from "./types.js";

export const ENGINES: Readonly<Partial<Record<EngineId, EngineDefinition>>> = { etcd, postgresql };

/** The engine a datastore or stream runs on Kubernetes, if it names one. */
export function engineOf(component: ResolvedComponent): EngineDefinition | undefined {
  if (component.kind === "service" || component.deploy.target !== "kubernetes") return undefined;
  const id = component.deploy.engine;
  return id === undefined ? undefined : ENGINES[id];
}

export function isEngineComponent(component: ResolvedComponent): component is EngineComponent {
  return component.kind !== "service";
}
