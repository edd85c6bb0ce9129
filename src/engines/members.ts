/**
 * Members of an engine cluster, their StatefulSets and how they reach each other. Shared by every
 * engine so names and addresses agree between the manifests, the init Jobs and the lab.
 */
import { kubernetesName, STATEFULSET_NAME_MAX } from "../compile/names.js";
import { modelIndex } from "../model/model-index.js";
import type { Model, ResolvedDatastore } from "../model/types.js";
import { byText } from "../order.js";
import type { Member } from "./types.js";

/** Pods of one StatefulSet: a region's replicas, or one zone's when the engine pins zones. */
export interface MemberSet {
  readonly statefulSet: string;
  readonly region: string;
  /** Set when the StatefulSet is pinned to one zone (its members' locality is then known). */
  readonly zone?: string;
  /** Zones its pods may use. */
  readonly zones: readonly string[];
  readonly members: readonly Member[];
}

/**
 * Replica i of a region sits in zone i mod |zones| (partition 0's rotation in the model), so a
 * zone-pinned StatefulSet holds exactly the replicas the model puts in that zone.
 */
export function memberSets(store: ResolvedDatastore, by: "region" | "zone"): MemberSet[] {
  const sets: MemberSet[] = [];
  for (const { region, replicas, zones } of store.placement) {
    if (replicas <= 0) continue;
    const sorted = [...zones].sort();
    const zoneOf = (i: number) => sorted[i % sorted.length] ?? region;
    if (by === "region") {
      const statefulSet = kubernetesName([store.name, region], STATEFULSET_NAME_MAX);
      const members = Array.from({ length: replicas }, (_, ordinal) => ({
        name: `${statefulSet}-${ordinal}`,
        region,
        zone: zoneOf(ordinal),
        ordinal,
      }));
      sets.push({ statefulSet, region, zones: sorted, members });
      continue;
    }
    const perZone = new Map<string, number>();
    for (let i = 0; i < replicas; i++) perZone.set(zoneOf(i), (perZone.get(zoneOf(i)) ?? 0) + 1);
    for (const [zone, count] of [...perZone].sort(([a], [b]) => byText(a, b))) {
      const statefulSet = kubernetesName([store.name, zone], STATEFULSET_NAME_MAX);
      const members = Array.from({ length: count }, (_, ordinal) => ({
        name: `${statefulSet}-${ordinal}`,
        region,
        zone,
        ordinal,
      }));
      sets.push({ statefulSet, region, zone, zones: [zone], members });
    }
  }
  return sets;
}

export const allMembers = (sets: readonly MemberSet[]): Member[] => sets.flatMap((s) => s.members);

/**
 * DNS name of a member for its peers. One region, or a peer in the member's own region: the
 * cluster's own domain, which the headless peers Service publishes before the member is ready
 * (`publishNotReadyAddresses`). A peer in another region: the Kubernetes Multi-Cluster Services
 * API (KEP-1645: a headless Service exported with a ServiceExport is resolvable from every cluster
 * of the clusterset as `<hostname>.<cluster-id>.<service>.<namespace>.svc.clusterset.local`), with
 * cluster id = region. MCS publishes those records for ready endpoints only, so a cluster that
 * must form before its members are ready (a first start) reaches its own region by the local name.
 * Without `from`, the name every region can resolve.
 */
export function peerHost(
  member: Member,
  peersService: string,
  namespace: string,
  multiRegion: boolean,
  from?: string,
): string {
  return multiRegion && member.region !== from
    ? `${member.name}.${member.region}.${peersService}.${namespace}.svc.clusterset.local`
    : `${member.name}.${peersService}.${namespace}.svc.cluster.local`;
}

/**
 * What an engine needs from the MCS implementation when a member can turn ready only after members
 * of other regions have reached it by its clusterset name (etcd, CockroachDB).
 */
export const MCS_NOT_READY_RECORDS =
  "across regions: an MCS implementation that publishes clusterset records for not-ready endpoints (KEP-1645 only requires ready ones)";

/** Largest median round trip between two members, ms (cross-zone RTT inside a region). */
export function largestMemberRttMs(model: Model, members: readonly Member[]): number {
  let largest = 0;
  for (const a of members) {
    for (const b of members) {
      if (a === b) continue;
      const rtt =
        a.region === b.region
          ? a.zone === b.zone
            ? 0
            : model.settings.crossZoneRttMs
          : (model.catalog.rttMs(a.region, b.region) ?? 0);
      largest = Math.max(largest, rtt);
    }
  }
  return largest;
}

/**
 * Whether a service on Kubernetes calls `component` from a region outside `regions` (those where it
 * serves clients): that call crosses clusters, to names exported to the clusterset.
 */
export function calledFromOtherRegions(model: Model, component: string, regions: Iterable<string>): boolean {
  const serving = new Set(regions);
  return modelIndex(model)
    .callersOf(component)
    .some((caller) => caller.deploy.target === "kubernetes" && caller.regions.some((r) => !serving.has(r)));
}
