import { networkView } from "../analysis/network.js";
import type { Failure } from "../analysis/types.js";
import type { Model } from "../model/types.js";
import type { RelayConfig, RelayListener } from "./agents/relay.js";
import { ECHO_PORT, linkKey, memberPorts, type Site, type SitePlan, TRANSPORT_NET } from "./sites.js";

/**
 * The lab's network, as `ip` commands (pure, so the plan can be read and tested): a hub namespace
 * with a bridge, and per site a namespace joined to it by a veth pair. In each site the addresses
 * of remote members are local (on lo) so the site's relay can listen on them; the relay's own
 * outgoing connections leave from the transport address, and a policy rule sends those over the
 * bridge instead of to the local table (moved from priority 0 to 1000 for that). Nothing is
 * addressed outside the lab's namespaces.
 */
export const RELAY_TABLE = "100";

export const namespaceOf = (prefix: string, site: Site) => `${prefix}-s${site.index}`;
export const hubOf = (prefix: string) => `${prefix}-hub`;

const SYSCTLS = ["all", "default", "lo", "wan0"].flatMap((dev) => [
  `net.ipv4.conf.${dev}.rp_filter=0`,
  // The relay's peers answer from addresses that are also local here (the remote member's).
  `net.ipv4.conf.${dev}.accept_local=1`,
]);

/** Every command that builds the network, in order (each an argv for `ip`, or `ip netns exec … sysctl`). */
export function networkCommands(prefix: string, plan: SitePlan): string[][] {
  const hub = hubOf(prefix);
  const out: string[][] = [
    ["ip", "netns", "add", hub],
    ["ip", "-n", hub, "link", "set", "lo", "up"],
    ["ip", "-n", hub, "link", "add", "br0", "type", "bridge"],
    ["ip", "-n", hub, "link", "set", "br0", "up"],
  ];
  const memberSites = [...new Set(plan.members.map((m) => m.site))];
  for (const site of plan.sites) {
    const ns = namespaceOf(prefix, site);
    const port = `p${site.index}`;
    out.push(
      ["ip", "netns", "add", ns],
      ["ip", "-n", hub, "link", "add", port, "type", "veth", "peer", "name", "wan0", "netns", ns],
      ["ip", "-n", hub, "link", "set", port, "master", "br0"],
      ["ip", "-n", hub, "link", "set", port, "up"],
      ["ip", "-n", ns, "link", "set", "lo", "up"],
      ["ip", "-n", ns, "link", "set", "wan0", "up"],
      ["ip", "netns", "exec", ns, "sysctl", "-qw", ...SYSCTLS],
      ["ip", "-n", ns, "addr", "add", `${site.transport}/24`, "dev", "wan0"],
    );
    for (const member of plan.members)
      out.push(["ip", "-n", ns, "addr", "add", `${member.address}/32`, "dev", "lo"]);
    for (const other of memberSites)
      if (other.index !== site.index)
        out.push(["ip", "-n", ns, "addr", "add", `${other.echo}/32`, "dev", "lo"]);
    out.push(
      ["ip", "-n", ns, "rule", "add", "pref", "1000", "lookup", "local"],
      ["ip", "-n", ns, "rule", "del", "pref", "0"],
      ["ip", "-n", ns, "rule", "add", "pref", "10", "from", site.transport, "lookup", RELAY_TABLE],
      ["ip", "-n", ns, "route", "add", `${TRANSPORT_NET}.0/24`, "dev", "wan0", "table", RELAY_TABLE],
    );
    for (const other of memberSites)
      if (other.index !== site.index)
        out.push([
          "ip",
          "-n",
          ns,
          "route",
          "add",
          `10.251.${other.index}.0/24`,
          "via",
          other.transport,
          "dev",
          "wan0",
          "table",
          RELAY_TABLE,
        ]);
  }
  return out;
}

/** Cut tags of the path between two sites (see RelayListener.tags). */
export const tagsBetween = (a: Site, b: Site) => [
  `link:${linkKey(a.region, b.region)}`,
  `site:${a.index}`,
  `site:${b.index}`,
];

/** The relay of one site: a listener per remote member port and per remote echo. */
export function relayConfig(plan: SitePlan, site: Site): RelayConfig {
  const listeners: RelayListener[] = [];
  for (const member of plan.members) {
    if (member.site.index === site.index) continue;
    const delayMs = plan.delayMs(site, member.site);
    const tags = tagsBetween(site, member.site);
    for (const port of memberPorts(member.local))
      listeners.push({ host: member.address, port, target: { host: member.address, port }, delayMs, tags });
  }
  for (const other of new Set(plan.members.map((m) => m.site))) {
    if (other.index === site.index) continue;
    listeners.push({
      host: other.echo,
      port: ECHO_PORT,
      target: { host: other.transport, port: ECHO_PORT },
      delayMs: plan.delayMs(site, other),
      tags: tagsBetween(site, other),
    });
  }
  return { via: site.transport, echoPort: ECHO_PORT, listeners };
}

/**
 * What a failed link does to the relays: a cloud backbone routes A↔B traffic around a cut link, so
 * every relay path between A and B takes the shortest remaining path's one-way delay — the same
 * RTT the analysis uses under these failures (src/analysis/network.ts, all failures applied). Only
 * when no path remains is the link silent (`delayMs` undefined: cut).
 */
export function linkReroutes(
  model: Model,
  failures: readonly Failure[],
): { readonly tag: string; readonly delayMs: number | undefined }[] {
  const net = networkView(model, failures);
  const out = new Map<string, number | undefined>();
  for (const failure of failures) {
    if (failure.kind !== "link") continue;
    const [a, b] = failure.between;
    const rtt = net.rtt(a, b);
    out.set(`link:${linkKey(a, b)}`, Number.isFinite(rtt) ? rtt / 2 : undefined);
  }
  return [...out].map(([tag, delayMs]) => ({ tag, delayMs }));
}
