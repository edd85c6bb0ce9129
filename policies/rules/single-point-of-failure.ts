import { zonesIn } from "../../src/model/resolve.js";
import { callersOf, componentByName, list } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/**
 * A component whose loss of one zone or region takes down a hard dependency chain: a single-replica
 * datastore or stream, a service in one region (or one pod), a single-region datastore that hard callers
 * in other regions depend on.
 */
/**
 * How a single replica becomes three that outlive a zone, given the zones its region offers: a
 * majority of three needs the lost zone to hold at most one, so with two zones the third replica
 * goes to another region, and with one zone a zone is the region.
 */
function threeReplicasFix(region: string, zones: number): string {
  if (zones >= 3) return `set replicas: 3 spread over three zones of ${region} (survive: zone)`;
  if (zones === 2)
    return `set replicas: 3, two in ${region}'s two zones and one in another region (survive: zone): with three in two zones, losing the zone that holds two leaves no majority`;
  return `set replicas: 3 over three regions (survive: region): ${region} has one zone, so losing it loses the region`;
}

export const singlePointOfFailure: Rule = {
  id: "single-point-of-failure",
  title: "No single zone or region takes down a hard dependency chain",
  severity: "warning",
  docs: {
    why: "A multi-region service is only as available as its least redundant hard dependency: one zone holding the only replica, or one region holding the only copy of a service, defeats the redundancy around it.",
    how: "Flags datastores and streams with 1 replica (a zone loss loses them), services with 1 pod in 1 region (zone) or in 1 region (region, naming the hard dependencies held in that region alone, which a second region of the service would not help), and single-region datastores and streams with hard callers that run in other regions as well.",
    fix: "Add replicas in other zones, run the service in a second region, or make the call soft (`hard: false`) with a fallback.",
  },
  check(model) {
    const findings: Finding[] = [];
    const zonesOf = zonesIn(model.catalog);
    const hardCallers = (name: string) =>
      callersOf(model, name).filter(({ service, index }) => service.calls[index]!.hard);
    // Who stops producing with a stream: its declared producers and the services calling it to produce.
    const producersNote = (name: string, declared: readonly string[]) => {
      const calling = callersOf(model, name).flatMap(({ service, index }) =>
        service.calls[index]!.op === "produce" ? [service.name] : [],
      );
      const producers = [...new Set([...declared, ...calling])];
      return producers.length > 0 ? ` and stops its producers ${list(producers)}` : "";
    };
    const callerNote = (name: string) => {
      const callers = [...new Set(hardCallers(name).map(({ service }) => service.name))];
      return callers.length > 0 ? ` and its hard callers ${list(callers)} with it` : "";
    };
    // Hard callers of a single-region component that run in other regions too: its region's loss
    // stops them everywhere.
    const widerCallers = (name: string, region: string) => [
      ...new Set(
        hardCallers(name)
          .filter(({ service }) => service.regions.some((r) => r !== region))
          .map(({ service }) => service.name),
      ),
    ];
    // A datastore or stream in one region whose hard callers also run elsewhere: its region's loss
    // stops them everywhere.
    const confined = (
      component: { readonly name: string; readonly path: string; readonly regions: readonly string[] },
      path: string,
      members: string,
      fix: string,
    ) => {
      if (component.regions.length !== 1) return;
      const region = component.regions[0]!;
      const wider = widerCallers(component.name, region);
      if (wider.length > 0)
        findings.push({
          path,
          message: `${members} of ${component.path} is in ${region}: ${stopsWider(wider)}`,
          fix,
        });
    };
    for (const store of model.datastores) {
      if (store.replicas === 1) {
        const zone = store.groups[0]?.leader.zone ?? store.regions[0] ?? "its zone";
        const region = store.placement[0]?.region ?? store.regions[0]!;
        findings.push({
          path: `${store.path}.replicas`,
          message: `${store.path} has 1 replica: losing zone ${zone} loses its data and stops it${callerNote(store.name)}`,
          // The region's zones, not the placement's: one replica is pinned to one zone.
          fix: threeReplicasFix(region, zonesOf(region).length),
        });
        continue;
      }
      confined(
        store,
        `${store.path}.placement`,
        "every replica",
        `place replicas in at least 3 regions (survive: region), or call ${store.name} with hard: false and a fallback`,
      );
    }
    for (const stream of model.streams) {
      if (stream.replicas === 1) {
        findings.push({
          path: `${stream.path}.replicas`,
          message: `${stream.path} has 1 replica: losing one zone loses unconsumed messages${producersNote(stream.name, stream.producers)}`,
          fix: "set replicas: 3 and minInSync: 2",
        });
        continue;
      }
      confined(
        stream,
        `${stream.path}.regions`,
        "every broker",
        `run ${stream.name} in a second region (regions), or call it with hard: false and a fallback`,
      );
    }
    for (const service of model.services) {
      const region = service.regions[0]!;
      if (service.regions.length > 1) continue;
      if (service.replicasPerRegion === 1) {
        const zones = Math.min(3, zonesOf(region).length);
        findings.push({
          path: `${service.path}.replicasPerRegion`,
          message: `${service.path} runs 1 pod in ${region}: losing its zone stops it${callerNote(service.name)}`,
          fix:
            zones > 1
              ? `set replicasPerRegion: ${zones} (one per zone of ${region}), and add a second region`
              : `add a second region: ${region} has one zone, so more pods there share its fate`,
        });
        continue;
      }
      // Its hard dependencies held in the same region alone fall with it: a second region of the
      // service alone would change nothing.
      const confined = [
        ...new Set(
          service.calls
            .filter((call) => call.hard)
            .map((call) => componentByName(model, call.to))
            .filter(
              (callee) =>
                callee !== undefined &&
                callee.kind !== "service" &&
                callee.regions.length === 1 &&
                callee.regions[0] === region,
            )
            .map((callee) => callee!.path),
        ),
      ];
      findings.push({
        path: `${service.path}.regions`,
        message: `${service.path} runs only in ${region}: losing that region stops it${callerNote(service.name)}`,
        fix:
          confined.length === 0
            ? `add a second region to ${service.path}.regions`
            : `add a second region to ${service.path}.regions, and place ${list(confined)} there too (${confined.length === 1 ? "it is" : "they are"} only in ${region})`,
      });
    }
    return findings;
  },
};

/** What a single region's loss takes with it: hard callers that run in other regions as well. */
const stopsWider = (callers: readonly string[]) =>
  `losing that region stops ${list(callers)}, which run${callers.length === 1 ? "s" : ""} in other regions too`;
