/**
 * Local members from the compiled StatefulSets: the lab and the engine tests start exactly the
 * container command and arguments the compiler emits, localised (see localize.ts).
 */
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { placements } from "../compile/kubernetes/placements.js";
import type { Model, ResolvedDatastore } from "../model/types.js";
import { type Localization, localize } from "./localize.js";
import { peerHost } from "./members.js";
import type { EngineDefinition, LocalLayout, LocalMember, Member } from "./types.js";

export interface LocalOptions {
  readonly debianPackage: string;
  /** Image binary path → Debian binary path. */
  readonly binaries: Readonly<Record<string, string>>;
  /** Container paths that map to the member's data folder. */
  readonly dataPaths: readonly string[];
  readonly metricsPath: string;
}

interface Compiled {
  readonly region: string;
  readonly statefulSet: IStatefulSet;
  /** ConfigMaps of the same region, by name: files the pods mount. */
  readonly configMaps: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

/** The StatefulSets an engine compiles for a component, every region, in member order. */
export function compiledStatefulSets(
  model: Model,
  store: ResolvedDatastore,
  engine: EngineDefinition,
): Compiled[] {
  const placed = placements(model).filter((p) => p.name === store.name && p.kind === store.kind);
  const regions = placed.map((p) => p.region);
  return placed.flatMap((p) => {
    const resources = engine.compileRegion({ model, component: store, placed: p, regions });
    const configMaps = new Map(
      resources
        .filter((r) => r.type === "kubernetes:core/v1:ConfigMap")
        .map((r) => {
          const cm = r.inputs as { metadata: { name: string }; data?: Record<string, string> };
          return [cm.metadata.name, cm.data ?? {}] as const;
        }),
    );
    return resources
      .filter((r) => r.type === "kubernetes:apps/v1:StatefulSet")
      .map((r) => ({ region: p.region, statefulSet: r.inputs as unknown as IStatefulSet, configMaps }));
  });
}

export function localMembersFromContainers(
  model: Model,
  store: ResolvedDatastore,
  engine: EngineDefinition,
  layout: LocalLayout,
  options: LocalOptions,
): LocalMember[] {
  const sets = compiledStatefulSets(model, store, engine);
  const multiRegion = new Set(sets.map((s) => s.region)).size > 1;
  const members: { member: Member; statefulSet: IStatefulSet; configMaps: Compiled["configMaps"] }[] = [];
  for (const { region, statefulSet, configMaps } of sets) {
    const name = statefulSet.metadata?.name ?? "";
    const zones = zonesOf(statefulSet);
    for (let ordinal = 0; ordinal < (statefulSet.spec?.replicas ?? 0); ordinal++) {
      const member: Member = {
        name: `${name}-${ordinal}`,
        region,
        zone: zones[ordinal % zones.length] ?? region,
        ordinal,
      };
      members.push({ member, statefulSet, configMaps });
    }
  }
  const hosts = new Map(
    members.map(({ member, statefulSet }) => [
      peerHost(
        member,
        statefulSet.spec?.serviceName ?? "",
        statefulSet.metadata?.namespace ?? "",
        multiRegion,
      ),
      layout.address(member),
    ]),
  );
  const ports = engine.capabilities.ports;
  return members.map(({ member, statefulSet, configMaps }) => {
    const pod = statefulSet.spec?.template.spec;
    const [main, ...others] = pod?.containers ?? [];
    const dir = layout.dataDir(member);
    // ConfigMap volumes become folders beside the data: <dir>/<volume>.
    const files: Record<string, string> = {};
    const mounted: (readonly [string, string])[] = [["/tmp", `${dir}/tmp`]];
    for (const volume of pod?.volumes ?? []) {
      const data = volume.configMap === undefined ? undefined : configMaps.get(volume.configMap.name ?? "");
      if (data === undefined) continue;
      for (const [file, content] of Object.entries(data)) files[`${dir}/${volume.name}/${file}`] = content;
      for (const c of pod?.containers ?? [])
        for (const mount of c.volumeMounts ?? [])
          if (mount.name === volume.name) mounted.push([mount.mountPath, `${dir}/${volume.name}`]);
    }
    files[`${dir}/tmp/.keep`] = "";
    const l: Localization = {
      vars: { POD_NAME: member.name, POD_NAMESPACE: statefulSet.metadata?.namespace ?? "" },
      hosts,
      address: layout.address(member),
      paths: [...options.dataPaths.map((p) => [p, dir] as const), ...mounted],
    };
    const processOf = (c: NonNullable<typeof main>) => {
      const [binary = "", ...rest] = [...(c.command ?? []), ...(c.args ?? [])];
      const env: Record<string, string> = { POD_NAME: member.name };
      for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = localize(e.value, l);
      return { command: [options.binaries[binary] ?? binary, ...rest.map((a) => localize(a, l))], env };
    };
    const own = main === undefined ? { command: [], env: {} } : processOf(main);
    return {
      member,
      debianPackage: options.debianPackage,
      command: own.command,
      env: own.env,
      files,
      setup: [],
      sidecars: others.map((c) => ({ name: `${member.name}-${c.name}`, ...processOf(c) })),
      clientPort: ports.client,
      peerPort: ports.peer,
      metrics: { port: ports.metrics, path: options.metricsPath },
    };
  });
}

/** Zones a StatefulSet's pods may use, from its required node affinity. */
function zonesOf(statefulSet: IStatefulSet): string[] {
  const terms =
    statefulSet.spec?.template.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
      ?.nodeSelectorTerms ?? [];
  return terms.flatMap((t) => t.matchExpressions ?? []).flatMap((e) => e.values ?? []);
}
