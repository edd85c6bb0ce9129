import type { Model } from "../../model/types.js";

/**
 * Services that declare a call to `component` (for streams also its producers and consumers),
 * sorted: the only clients a security group admits and the consumers whose lag is alarmed.
 */
export function callersOf(model: Model, component: string): string[] {
  const callers = new Set<string>();
  for (const service of model.services)
    if (service.calls.some((call) => call.to === component)) callers.add(service.name);
  for (const stream of model.streams)
    if (stream.name === component) for (const s of [...stream.producers, ...stream.consumers]) callers.add(s);
  return [...callers].sort();
}
