import type { Model } from "../model/types.js";

/** Mermaid ids: letters, digits and underscores only. */
const id = (...parts: string[]) => parts.join("__").replace(/[^A-Za-z0-9_]/g, "_");
/** Labels are quoted; Mermaid has no escape for `"`, so use its entity code. */
const label = (text: string) => `"${text.replace(/"/g, "#quot;")}"`;

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
        `${id(store.name, p.region)}[(${label(`${store.name}${p.region === store.leader ? " ★" : ""} · ${p.replicas} of ${store.replicas}`)})]`,
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
  const regionsOf = (name: string): { regions: readonly string[]; home: string } | undefined => {
    const store = model.datastores.find((d) => d.name === name);
    if (store) return { regions: store.regions, home: store.leader };
    const other = model.services.find((s) => s.name === name) ?? model.streams.find((s) => s.name === name);
    return other ? { regions: other.regions, home: other.regions[0] ?? "" } : undefined;
  };
  const edges = new Set<string>();
  for (const service of model.services) {
    for (const call of service.calls) {
      const target = regionsOf(call.to);
      if (target === undefined) continue;
      for (const region of service.regions) {
        const to = target.regions.includes(region) ? region : target.home;
        const arrow = call.hard ? "-->" : "-.->";
        edges.add(`  ${id(service.name, region)} ${arrow}|${call.op}| ${id(call.to, to)}`);
      }
    }
  }
  for (const stream of model.streams) {
    for (const consumer of stream.consumers) {
      const service = model.services.find((s) => s.name === consumer);
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
