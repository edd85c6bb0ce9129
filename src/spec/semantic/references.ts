import { formatPath } from "../../diagnostics/diagnostic.js";
import { suggestion } from "../../diagnostics/suggest.js";
import { arrayOf, type CheckContext, componentsOf } from "./context.js";

function componentNames(context: CheckContext) {
  return {
    datastores: componentsOf(context, "datastores").map(([n]) => n),
    services: componentsOf(context, "services").map(([n]) => n),
    streams: componentsOf(context, "streams").map(([n]) => n),
  };
}

/** A name must mean one component: calls say only `to: "accounts"`. */
export function checkUniqueNames(context: CheckContext): void {
  const { datastores, services, streams } = componentNames(context);
  const seen = new Map<string, string>();
  for (const [kind, names] of [
    ["datastores", datastores],
    ["services", services],
    ["streams", streams],
  ] as const) {
    for (const name of names) {
      const earlier = seen.get(name);
      if (earlier !== undefined) {
        context.report({
          code: "spec/duplicate-name",
          path: formatPath([kind, name]),
          message: `"${name}" names both a ${earlier.slice(0, -1)} and a ${kind.slice(0, -1)}; calls could not tell them apart`,
          fix: `rename one of them, e.g. "${name}-${kind.slice(0, -1)}"`,
        });
      } else seen.set(name, kind);
    }
  }
}

/** calls[].to, producers and consumers resolve. */
export function checkComponentReferences(context: CheckContext): void {
  const { datastores, services, streams } = componentNames(context);
  const all = [...datastores, ...services, ...streams].sort();
  // Sets: a list lookup per call would make validation quadratic in services.
  const known = new Set(all);
  const knownServices = new Set(services);
  for (const [name, service] of componentsOf(context, "services")) {
    arrayOf(service.calls).forEach((call, i) => {
      if (typeof call?.to !== "string" || known.has(call.to)) return;
      context.report({
        code: "spec/unknown-component",
        path: formatPath(["services", name, "calls", i, "to"]),
        message: `calls "${call.to}", which is not a service, datastore or stream of this topology: ${suggestion(call.to, all, "components")}`,
        fix: `call one of the declared components, or declare "${call.to}"`,
      });
    });
  }
  for (const [name, stream] of componentsOf(context, "streams")) {
    for (const role of ["producers", "consumers"] as const) {
      arrayOf(stream[role]).forEach((who, i) => {
        if (typeof who !== "string" || knownServices.has(who)) return;
        context.report({
          code: "spec/unknown-service",
          path: formatPath(["streams", name, role, i]),
          message: `${role.slice(0, -1)} "${who}" is not a service of this topology: ${suggestion(who, services, "services")}`,
          fix: `name a declared service, or declare "${who}" under services`,
        });
      });
    }
    if (stream.regions === undefined && arrayOf(stream.producers).length === 0) {
      context.report({
        code: "spec/missing",
        path: formatPath(["streams", name, "regions"]),
        message: "the stream has neither regions nor producers, so topoplan cannot tell where it lives",
        fix: `add streams.${name}.regions, e.g. ["eu-west-1"]`,
      });
    }
  }
}
