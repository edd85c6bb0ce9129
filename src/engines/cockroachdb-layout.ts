/**
 * Which of CockroachDB's two placement forms a datastore compiles to (cockroachdb-placement.ts),
 * and whether CockroachDB then moves the lease where the analysis elects the leader when the
 * leader's region is lost. Model types only: the model reads this to resolve the engine's traits
 * (src/model/engine-traits.ts), before any analysis exists.
 */
import type { ResolvedDatastore } from "../model/types.js";

/** What decides the form: a resolved datastore's declared layout. */
export type DatastoreLayout = Pick<
  ResolvedDatastore,
  "survive" | "replicas" | "placement" | "leader" | "leaderRegions"
>;

/**
 * True when the placement is exactly what `SURVIVE REGION FAILURE` builds
 * (https://www.cockroachlabs.com/docs/v24.3/multiregion-survival-goals#survive-region-failures):
 * 5 voting replicas, 2 of them in the primary (leader) region, every other region at least 1,
 * 3 or 4 regions. Every replica is a voter that may lead: the multi-region form makes each one a
 * full voter (a read-only replica would vote), and it cannot keep the lease out
 * of a region (`leaderRegions` narrower than the placement): those take the zone configuration.
 */
export function isRegionSurvivalLayout(store: DatastoreLayout): boolean {
  const regions = store.placement.filter((p) => p.replicas > 0);
  const leader = regions.find((p) => p.region === store.leader);
  return (
    store.survive === "region" &&
    regions.length >= 3 &&
    regions.length <= 4 &&
    store.replicas === 5 &&
    leader?.replicas === 2 &&
    regions.every(
      (p) =>
        p.replicas >= 1 &&
        p.replicas <= 2 &&
        p.voters === p.replicas &&
        store.leaderRegions.includes(p.region),
    )
  );
}

/**
 * The region `SET SECONDARY REGION` names, if any: in the three-region layout (2 + 2 + 1), the
 * other region holding two voters, which is the region the analysis elects when the leader's is
 * lost (most voters: src/analysis/leader.ts). CockroachDB then keeps two voters there and moves
 * the leases there (https://www.cockroachlabs.com/docs/v24.3/multiregion-overview#secondary-regions;
 * cockroachdb/cockroach pkg/sql/regions: `SynthesizeVoterConstraints` puts 2 voters in the
 * primary and 2 in the secondary, `SynthesizeLeasePreferences` lists the primary, then the
 * secondary). In the four-region layout (2 + 1 + 1 + 1) a secondary region would add a sixth
 * replica (`GetNumVotersAndNumReplicas`: one more for the secondary), so there is none.
 */
export function secondaryRegion(store: DatastoreLayout): string | undefined {
  if (!isRegionSurvivalLayout(store)) return undefined;
  const others = store.placement.filter((p) => p.replicas > 0 && p.region !== store.leader);
  if (others.length !== 2) return undefined;
  return others.find((p) => p.voters === 2)?.region;
}

/**
 * Whether the lease's successor is CockroachDB's choice rather than the analysis': the
 * multi-region form without a secondary region prefers the primary region only
 * (`SynthesizeLeasePreferences` with no secondary), so when that is lost the leases go to
 * whichever voters the allocator picks ("the leaseholders would be transferred to another region
 * at random": blog.cloudneutral.se, "Exploring the Secondary Regions Feature in CockroachDB").
 * The zone-configuration form lists the successors in the analysis' order.
 */
export function leaseSuccessionUncontrolled(store: DatastoreLayout): boolean {
  return isRegionSurvivalLayout(store) && secondaryRegion(store) === undefined;
}
