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

/** The StatefulSets an engine compiles for a component, every region, in member order. */
export function compiledStatefulSets(
  model: Model,
  store: ResolvedDatastore,
  engine: EngineDefinition,
): { region: string; statefulSet: IStatefulSet }[] {
  const placed = placements(model).filter((p) => p.name === store.name && p.kind === store.kind);
  const regions = placed.map((p) => p.region);
  return placed.flatMap((p) =>
    engine
      .compileRegion({ model, component: store, placed: p, regions })
      .filter((r) => r.type === "kubernetes:apps/v1:StatefulSet")
      .map((r) => ({ region: p.region, statefulSet: r.inputs as unknown as IStatefulSet })),
  );
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
  const members: { member: Member; statefulSet: IStatefulSet }[] = [];
  for (const { region, statefulSet } of sets) {
    const name = statefulSet.metadata?.name ?? "";
    const zones = zonesOf(statefulSet);
    for (let ordinal = 0; ordinal < (statefulSet.spec?.replicas ?? 0); ordinal++) {
      const member: Member = {
        name: `${name}-${ordinal}`,
        region,
        zone: zones[ordinal % zones.length] ?? region,
        ordinal,
      };
      members.push({ member, statefulSet });
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
  return members.map(({ member, statefulSet }) => {
    const main = statefulSet.spec?.template.spec?.containers[0];
    const l: Localization = {
      vars: { POD_NAME: member.name, POD_NAMESPACE: statefulSet.metadata?.namespace ?? "" },
      hosts,
      address: layout.address(member),
      paths: options.dataPaths.map((p) => [p, layout.dataDir(member)] as const),
    };
    const [binary = "", ...rest] = [...(main?.command ?? []), ...(main?.args ?? [])];
    const env: Record<string, string> = {};
    for (const e of main?.env ?? []) if (e.value !== undefined) env[e.name] = localize(e.value, l);
    return {
      member,
      debianPackage: options.debianPackage,
      command: [options.binaries[binary] ?? binary, ...rest.map((a) => localize(a, l))],
      env,
      files: {},
      setup: [],
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
