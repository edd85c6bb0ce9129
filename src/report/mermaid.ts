import { modelIndex } from "../model/model-index.js";
import type { Model, ResolvedDatastore } from "../model/types.js";

/** Mermaid ids: letters, digits and underscores only. */
const id = (...parts: string[]) => parts.join("__").replace(/[^A-Za-z0-9_]/g, "_");
/** Labels are quoted; Mermaid has no escape for `"`, so use its entity code. */
const label = (text: string) => `"${text.replace(/"/g, "#quot;")}"`;

/** ★ only where a leader exists: the leader/primary, every write region of a multi-leader store, none for leaderless. */
const leads = (store: ResolvedDatastore, region: string) =>
  store.replication === "leaderless"
    ? false
    : store.replication === "multi-leader"
      ? store.writeRegions.includes(region)
      : store.leader === region;

/**
 * The topology as a Mermaid flowchart: one subgraph per region, a node per component instance in it
 * (datastores as cylinders with their replica count, ★ on the leader; streams as queues; services
 * with their pod count), calls as edges from each service region to the callee in the same region or
 * else its leader region.
 */
export function renderMermaid(model: Model): string {
  const lines = ["flowchart LR"];
  const byRegion = new Map<string, string[]>();
  const add = (region: string, line: string) => {
    const list = byRegion.get(region) ?? [];
    list.push(line);
    byRegion.set(region, list);
  };
  for (const store of model.datastores)
    for (const p of store.placement)
      add(
        p.region,
        `${id(store.name, p.region)}[(${label(`${store.name}${leads(store, p.region) ? " ★" : ""} · ${p.replicas} of ${store.replicas}`)})]`,
      );
  for (const stream of model.streams)
    for (const region of stream.regions)
      add(
        region,
        `${id(stream.name, region)}>${label(`${stream.name} · ${stream.partitions}p × ${stream.replicas}`)}]`,
      );
  for (const service of model.services)
    for (const region of service.regions)
      add(
        region,
        `${id(service.name, region)}[${label(`${service.name} · ${service.replicasPerRegion} pods`)}]`,
      );
  for (const region of [...byRegion.keys()].sort()) {
    lines.push(`  subgraph ${id("region", region)}[${label(region)}]`);
    for (const node of byRegion.get(region)!) lines.push(`    ${node}`);
    lines.push("  end");
  }
  const stores = new Map(model.datastores.map((d) => [d.name, d]));
  const others = new Map(
    [...model.services, ...model.streams].map((c) => [
      c.name,
      { regions: c.regions, home: c.regions[0] ?? "" },
    ]),
  );
  /**
   * Where a call from `region` really goes: writes to a region that accepts writes (the leader or
   * primary unless the store is multi-leader or leaderless), strong reads of a consensus store to
   * the leader (leaseholder), anything else to the local copy if there is one.
   */
  const destination = (to: string, op: string, region: string): string | undefined => {
    const store = stores.get(to);
    if (store === undefined) {
      const other = others.get(to);
      return other === undefined ? undefined : other.regions.includes(region) ? region : other.home;
    }
    const toLeader =
      (op === "write" && !store.writeRegions.includes(region)) ||
      (op === "read" && store.replication === "consensus" && store.consistency === "strong");
    if (toLeader) return store.writeRegions.includes(region) ? region : store.leader;
    return store.regions.includes(region) ? region : store.leader;
  };
  const edges = new Set<string>();
  for (const service of model.services) {
    for (const call of service.calls) {
      for (const region of service.regions) {
        const to = destination(call.to, call.op, region);
        if (to === undefined) continue;
        const arrow = call.hard ? "-->" : "-.->";
        edges.add(`  ${id(service.name, region)} ${arrow}|${call.op}| ${id(call.to, to)}`);
      }
    }
  }
  const index = modelIndex(model);
  for (const stream of model.streams) {
    for (const consumer of stream.consumers) {
      const service = index.service(consumer);
      if (service === undefined) continue;
      for (const region of service.regions) {
        const from = stream.regions.includes(region) ? region : (stream.regions[0] ?? region);
        edges.add(`  ${id(stream.name, from)} -.->|consume| ${id(consumer, region)}`);
      }
    }
  }
  lines.push(...[...edges]);
  return `${lines.join("\n")}\n`;
}
