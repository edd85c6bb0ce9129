import type { Model, ResolvedComponent } from "../../src/model/types.js";
import { callersOf, jurisdictionOfRegion, list, serviceByName } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/**
 * Data stays where the law says: replicas, backups, stream clusters and every service that reads or
 * writes the data run in allowed jurisdictions. Cross-layer: a us-east-1 service calling an EU-resident
 * datastore moves EU data to the US even though every replica is in the EU.
 */
export const residency: Rule = {
  id: "residency",
  title: "Data and the services that touch it stay in allowed jurisdictions",
  severity: "error",
  docs: {
    why: "Residency rules (GDPR, data-localisation laws) restrict where data is stored and processed; a single replica, backup or calling service outside them is a breach.",
    how: "For every datastore and stream with `residency`, each placement region, backup region, stream region and stream mirror region must have a jurisdiction (or country) in the list; so must every region of each service that calls the datastore or produces to / consumes from the stream. A service's own `residency` restricts its regions.",
    fix: "Move the replica, backup or service to an allowed region, or serve the other region through a service that runs inside the jurisdiction.",
  },
  check(model) {
    const findings: Finding[] = [];
    for (const store of model.datastores) {
      if (store.residency === undefined) continue;
      const allowed = store.residency;
      for (const bad of outside(model, store.regions, allowed))
        findings.push({
          path: `${store.path}.placement`,
          message: `replica region ${describe(model, [bad])} is outside the allowed jurisdictions ${allowed.join(", ")} of ${store.path}`,
          fix: `move the ${bad} replicas to a region in ${allowed.join(", ")}`,
          data: { region: bad, allowed },
        });
      for (const bad of outside(model, store.backupRegions, allowed))
        findings.push({
          path: `${store.path}.backup.regions`,
          message: `backup region ${describe(model, [bad])} is outside the allowed jurisdictions ${allowed.join(", ")} of ${store.path}`,
          fix: `keep backups in a region in ${allowed.join(", ")}`,
          data: { region: bad, allowed },
        });
      for (const { service, index } of callersOf(model, store.name)) {
        const call = service.calls[index]!;
        findings.push(...callerFindings(model, service, `${service.path}.calls[${index}]`, call.op, store));
      }
    }
    for (const stream of model.streams) {
      if (stream.residency === undefined) continue;
      const allowed = stream.residency;
      for (const bad of outside(model, stream.regions, allowed))
        findings.push({
          path: `${stream.path}.regions`,
          message: `stream region ${describe(model, [bad])} is outside the allowed jurisdictions ${allowed.join(", ")} of ${stream.path}`,
          fix: `run the ${stream.name} cluster only in regions in ${allowed.join(", ")}`,
          data: { region: bad, allowed },
        });
      // A mirror region receives a copy of every record: the data is stored there too.
      for (const bad of outside(model, stream.mirrorRegions, allowed))
        findings.push({
          path: `${stream.path}.mirrorRegions`,
          message: `mirror region ${describe(model, [bad])} is outside the allowed jurisdictions ${allowed.join(", ")} of ${stream.path}`,
          fix: `mirror ${stream.name} only to regions in ${allowed.join(", ")} (remove ${bad} from mirrorRegions)`,
          data: { region: bad, allowed },
        });
      const clients = [
        ...stream.producers.map((name) => ({ name, role: "produces to", field: "producers" })),
        ...stream.consumers.map((name) => ({ name, role: "consumes from", field: "consumers" })),
      ];
      for (const client of clients) {
        const service = serviceByName(model, client.name);
        if (service === undefined) continue;
        const bad = outside(model, service.regions, allowed);
        if (bad.length === 0) continue;
        findings.push({
          path: `${stream.path}.${client.field}`,
          message: `${service.path} runs in ${describe(model, bad)} and ${client.role} ${stream.path}, whose data must stay in ${allowed.join(", ")}`,
          fix: `run ${service.name} only in regions in ${allowed.join(", ")}, or remove it from ${client.field}`,
          data: { service: service.name, regions: bad, allowed },
        });
      }
      // Services that reach the stream through `calls` (op produce / consume) touch its records as
      // its declared producers and consumers do; one declared both ways is reported once.
      const declared = new Set([...stream.producers, ...stream.consumers]);
      for (const { service, index } of callersOf(model, stream.name)) {
        if (declared.has(service.name)) continue;
        const call = service.calls[index]!;
        findings.push(...callerFindings(model, service, `${service.path}.calls[${index}]`, call.op, stream));
      }
    }
    for (const service of model.services) {
      if (service.residency === undefined) continue;
      const allowed = service.residency;
      const bad = outside(model, service.regions, allowed);
      if (bad.length === 0) continue;
      findings.push({
        path: `${service.path}.regions`,
        message: `${service.path} runs in ${describe(model, bad)}, outside its allowed jurisdictions ${allowed.join(", ")}`,
        // A service in no other region must move, not lose its only region (regions needs one).
        fix:
          bad.length < service.regions.length
            ? `remove ${list(bad)} from ${service.path}.regions`
            : `run ${service.name} in a region in ${allowed.join(", ")} instead (${service.path}.regions)`,
        data: { regions: bad, allowed },
      });
    }
    return findings;
  },
};

function callerFindings(
  model: Model,
  service: { name: string; path: string; regions: readonly string[] },
  path: string,
  op: string,
  target: ResolvedComponent,
): Finding[] {
  const allowed = target.residency ?? [];
  const bad = outside(model, service.regions, allowed);
  if (bad.length === 0) return [];
  const verb = VERBS[op] ?? "calls";
  return [
    {
      path,
      message: `${service.path} runs in ${describe(model, bad)} and ${verb} ${target.path}, whose data must stay in ${allowed.join(", ")}`,
      fix: `run ${service.name} only in regions in ${allowed.join(", ")}, or route ${list(bad)} requests through a service inside ${allowed.join(", ")}`,
      data: { service: service.name, regions: bad, allowed },
    },
  ];
}

const VERBS: Readonly<Record<string, string>> = {
  write: "writes",
  read: "reads",
  produce: "produces to",
  consume: "consumes from",
};

/** Regions whose jurisdiction and country are both outside `allowed`; regions missing from the catalog count as outside. */
function outside(model: Model, regions: readonly string[], allowed: readonly string[]): string[] {
  return regions.filter((region) => {
    const entry = model.catalog.regions.get(region);
    return entry === undefined || !(allowed.includes(entry.jurisdiction) || allowed.includes(entry.country));
  });
}

/** `us-east-1 (US) and ap-northeast-1 (JP)` */
function describe(model: Model, regions: readonly string[]): string {
  return list(regions.map((r) => `${r} (${jurisdictionOfRegion(model, r) ?? "unknown jurisdiction"})`));
}
