import { modelIndex } from "../../model/model-index.js";
import type { Model } from "../../model/types.js";

/**
 * Services that declare a call to `component` (for streams also its producers and consumers),
 * sorted: the only clients a security group admits and the consumers whose lag is alarmed.
 */
export function callersOf(model: Model, component: string): string[] {
  const index = modelIndex(model);
  const callers = new Set<string>(index.callersOf(component).map((service) => service.name));
  const stream = index.stream(component);
  if (stream !== undefined) for (const s of [...stream.producers, ...stream.consumers]) callers.add(s);
  return [...callers].sort();
}
