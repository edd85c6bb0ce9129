import { networkView } from "../analysis/network.js";
import type { LocalLayout, LocalMember, Member } from "../engines/types.js";
import type { Model } from "../model/types.js";

/**
 * Where everything of a lab run lives, decided before anything starts (pure): one network
 * namespace ("site") per zone that holds members, one per user origin for its clients, one for
 * the observer (Prometheus, leader probes; no delay). Addresses come from private ranges that exist
 * only inside the lab's namespaces:
 *   10.250.0.<site>/24    each site's transport address on the lab's bridge
 *   10.251.<site>.<n>/32  member n of a site (local in its own site; a relay in every other site)
 *   10.252.0.<site>/32    the site's echo service as seen through the relays
 * One-way delay between two sites = RTT / 2 from the same network view the analysis uses
 * (catalog RTT between regions, cross-zone RTT within a region).
 */
export const TRANSPORT_NET = "10.250.0";
export const ECHO_PORT = 7007;
/** Where a member's peers and clients connect from: the relays' transport network and the member addresses. */
export const LAB_NETWORKS = [`${TRANSPORT_NET}.0/24`, "10.251.0.0/16"] as const;
export const MAX_SITES = 250;

export type SiteKind = "members" | "client" | "observer";

export interface Site {
  readonly index: number;
  readonly kind: SiteKind;
  readonly region: string;
  /** Zone of a members site; undefined for client and observer sites. */
  readonly zone?: string;
  readonly transport: string;
  readonly echo: string;
}

export interface PlacedMember {
  readonly local: LocalMember;
  readonly site: Site;
  readonly address: string;
}

export interface SitePlan {
  readonly sites: readonly Site[];
  readonly members: readonly PlacedMember[];
  /** One-way delay from site a to site b, ms. */
  readonly delayMs: (a: Site, b: Site) => number;
  /** Client site of each user origin. */
  readonly clients: ReadonlyMap<string, Site>;
  readonly observer: Site;
}

const siteAt = (index: number, kind: SiteKind, region: string, zone?: string): Site => ({
  index,
  kind,
  region,
  ...(zone === undefined ? {} : { zone }),
  transport: `${TRANSPORT_NET}.${index}`,
  echo: `10.252.0.${index}`,
});

/** The link a pair of regions shares (`a/b`, sorted), as `--fail link:a/b` names it. */
export const linkKey = (a: string, b: string) => (a < b ? `${a}/${b}` : `${b}/${a}`);

/**
 * A layout that places members as the engine asks for their addresses (members of one zone share
 * a site) and data folders under `root`.
 */
export function siteLayout(root: string) {
  const sites: Site[] = [];
  const addresses = new Map<string, string>();
  const perSite = new Map<number, number>();
  const siteOf = (member: Member): Site => {
    let site = sites.find(
      (s) => s.kind === "members" && s.region === member.region && s.zone === member.zone,
    );
    if (site === undefined) {
      site = siteAt(sites.length + 1, "members", member.region, member.zone);
      sites.push(site);
    }
    return site;
  };
  const layout: LocalLayout = {
    address(member) {
      let address = addresses.get(member.name);
      if (address === undefined) {
        const site = siteOf(member);
        const n = (perSite.get(site.index) ?? 0) + 1;
        perSite.set(site.index, n);
        address = `10.251.${site.index}.${n}`;
        addresses.set(member.name, address);
      }
      return address;
    },
    dataDir: (member) => `${root}/${member.name.replace(/[^A-Za-z0-9_.-]/g, "_")}`,
    // A peer or client in another site arrives from its site's relay (a transport address); one in
    // the same site from a member address. Both ranges exist only inside the lab's namespaces.
    networks: LAB_NETWORKS,
  };
  return { layout, sites, siteOf };
}

/** Completes the plan once the engine has laid out its members: client and observer sites, delays. */
export function planSites(
  model: Model,
  locals: readonly LocalMember[],
  layout: ReturnType<typeof siteLayout>,
  origins: readonly string[],
): SitePlan {
  const members = locals.map((local) => ({
    local,
    site: layout.siteOf(local.member),
    address: layout.layout.address(local.member),
  }));
  const sites = [...layout.sites];
  const clients = new Map<string, Site>();
  for (const origin of origins) {
    const site = siteAt(sites.length + 1, "client", origin);
    sites.push(site);
    clients.set(origin, site);
  }
  const observer = siteAt(sites.length + 1, "observer", "observer");
  sites.push(observer);
  if (sites.length > MAX_SITES)
    throw new Error(`the lab needs ${sites.length} sites; at most ${MAX_SITES} fit its address plan`);
  const net = networkView(model, []);
  const delayMs = (a: Site, b: Site) => {
    if (a.index === b.index || a.kind === "observer" || b.kind === "observer") return 0;
    const rtt = net.rtt(a.region, b.region);
    if (!Number.isFinite(rtt))
      throw new Error(`no RTT between ${a.region} and ${b.region} in the catalog: the lab cannot emulate it`);
    return rtt / 2;
  };
  return { sites, members, delayMs, clients, observer };
}

/** Ports a member serves that others may dial (client, peer, metrics, others such as Patroni's API). */
export function memberPorts(local: LocalMember): number[] {
  return [
    ...new Set([
      local.clientPort,
      ...(local.peerPort ? [local.peerPort] : []),
      ...(local.metrics ? [local.metrics.port] : []),
      ...(local.otherPorts ?? []),
    ]),
  ];
}
