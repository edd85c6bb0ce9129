import type * as pulumi from "@pulumi/pulumi";
import { type Diagnostic, inputProblem } from "../../diagnostics/diagnostic.js";
import { modelIndex } from "../../model/model-index.js";
import type { ResolvedComponent, ResolvedService } from "../../model/types.js";
import { byText } from "../../order.js";
import { callersOf } from "./callers.js";
import type { AwsContext } from "./context.js";
import { logicalName, SHARED } from "./names.js";
import { cidrProblems, cidrsOverlap, VPC_SECOND_OCTET, vpcCidr } from "./network.js";
import { type AwsClusterNetwork, isExistingNetwork } from "./options.js";
import { connectsTo } from "./reach.js";
import { residencyProblems } from "./residency.js";
import { out } from "./typed.js";

/**
 * The network path from the Kubernetes clusters to the VPCs of the Aurora and MSK clusters their
 * pods call, from the stack config `topoplan:network.<region>.cluster` (docs/aws.md, "Network
 * path"). One path per (cluster region, datastore VPC region) pair that a declared call needs
 * (reach.ts: the endpoints a pod gets); none when the cluster runs in the datastores' own VPC:
 *
 * - `peering` (VPC user guide, "VPC peering"): a peering connection from the cluster's VPC
 *   (requester) to the datastore VPC; in the same region it is accepted by the requester
 *   (`autoAccept`), across regions by an accepter in the datastore's region (@pulumi/aws
 *   ec2.VpcPeeringConnection: `autoAccept` only for one account and region). A route to the other
 *   VPC's CIDRs in every route table on each side.
 * - `transit-gateway` (Transit Gateways guide): a transit gateway per region with the default
 *   route table's association and propagation on, so the VPCs attached in one region reach each
 *   other; across regions one peering attachment per pair of gateways, accepted in the other
 *   region, and static routes to it in both default route tables (peering attachments do not
 *   propagate); distinct ASNs per gateway, as AWS recommends for peered gateways. VPC routes to
 *   the gateway wait for their VPC's attachment.
 *
 * The security groups admit the cluster CIDRs of exactly the callers whose pods take the path
 * (context.ts). A path from a region outside a component's residency is refused, like a replica
 * there: the calling service would process the data in that region.
 */

interface Pair {
  /** Region of the calling cluster. */
  readonly from: string;
  /** Region of the datastore VPC. */
  readonly to: string;
  readonly cluster: AwsClusterNetwork;
}

/** The cluster CIDRs whose pods reach `component`'s VPC in `region` on behalf of `caller`. */
export function pathCidrs(ctx: AwsContext, component: string, region: string, caller: string): string[] {
  const index = modelIndex(ctx.model);
  const target = index.component(component);
  const service = index.service(caller);
  if (target === undefined || service === undefined) return [];
  return service.regions.flatMap((from) => {
    const cluster = ctx.options.awsNetwork?.[from]?.cluster;
    return cluster !== undefined && connectsTo(ctx.model, target, from, service).includes(region)
      ? [...cluster.cidrBlocks]
      : [];
  });
}

/** The pairs the declared calls need, with the residency problems of paths that may not exist. */
function pairsOf(ctx: AwsContext): { pairs: Pair[]; problems: Diagnostic[] } {
  const network = ctx.options.awsNetwork ?? {};
  const index = modelIndex(ctx.model);
  const pairs = new Map<string, Pair>();
  const problems: Diagnostic[] = [];
  const components: ResolvedComponent[] = [...ctx.model.datastores, ...ctx.model.streams];
  for (const component of components) {
    for (const caller of callersOf(ctx.model, component.name)) {
      const service: ResolvedService | undefined = index.service(caller);
      if (service === undefined) continue;
      for (const [i, from] of service.regions.entries()) {
        const cluster = network[from]?.cluster;
        const to = connectsTo(ctx.model, component, from, service);
        if (cluster === undefined || to.length === 0) continue;
        problems.push(
          ...residencyProblems(ctx.model, component, [
            {
              region: from,
              path: `${service.path}.regions[${i}]`,
              what: `a network path for ${caller}`,
            },
          ]),
        );
        for (const region of to) pairs.set(`${from}>${region}`, { from, to: region, cluster });
      }
    }
  }
  return {
    pairs: [...pairs.values()].sort((a, b) => byText(`${a.from}>${a.to}`, `${b.from}>${b.to}`)),
    problems,
  };
}

/** The datastore VPC in `region`: its id, CIDRs and route tables (topoplan's own or configured). */
function datastoreVpc(
  ctx: AwsContext,
  region: string,
): { id: pulumi.Input<string>; cidrs: string[]; routeTables: pulumi.Input<string>[] } | Diagnostic {
  const configured = ctx.options.awsNetwork?.[region];
  const at = `topoplan:network["${region}"]`;
  if (isExistingNetwork(configured)) {
    if (configured.cidrBlocks === undefined || configured.routeTableIds === undefined)
      return inputProblem(
        "aws/network-path-vpc",
        at,
        `a cluster in another VPC calls the datastores in ${region}'s existing VPC (${configured.vpcId}), whose CIDRs and route tables topoplan cannot read (compilation makes no AWS calls)`,
        "set cidrBlocks and routeTableIds for that VPC",
      );
    return {
      id: configured.vpcId,
      cidrs: [...configured.cidrBlocks],
      routeTables: [...configured.routeTableIds],
    };
  }
  const cidr = vpcCidr(region);
  if (cidr === undefined)
    return inputProblem(
      "aws/no-vpc-range",
      at,
      `topoplan has no VPC range for ${region}`,
      `configure ${at} with an existing VPC`,
    );
  // The VPC topoplan creates has only its main route table: its subnets use it.
  return {
    id: ctx.vpcId(region),
    cidrs: [cidr],
    routeTables: [out(logicalName(SHARED, "vpc", region), "mainRouteTableId")],
  };
}

const cidrKey = (cidr: string) => cidr.replace(/[./]/g, "-");
/** A route table's name part: its id, or "main" for the main route table of topoplan's VPC. */
const tableKey = (table: pulumi.Input<string>) => (typeof table === "string" ? table : "main");

/** Compiles every network path the configuration and the declared calls need; problems go to ctx.problems. */
export function compileNetworkPaths(ctx: AwsContext): void {
  const { pairs, problems } = pairsOf(ctx);
  ctx.problems.push(...problems);
  if (problems.length > 0) return;
  // One problem per place, though several pairs share it.
  const report = (problem: Diagnostic) => {
    if (!ctx.problems.some((p) => p.path === problem.path && p.code === problem.code))
      ctx.problems.push(problem);
  };
  const badCidrs = new Set<string>();
  for (const from of new Set(pairs.map((p) => p.from))) {
    const bad = cidrProblems(
      pairs.find((p) => p.from === from)!.cluster.cidrBlocks,
      `topoplan:network["${from}"].cluster.cidrBlocks`,
    );
    if (bad.length > 0) badCidrs.add(from);
    ctx.problems.push(...bad);
  }
  for (const pair of pairs) {
    const at = `topoplan:network["${pair.from}"].cluster`;
    if (badCidrs.has(pair.from)) continue;
    // The cluster runs in the datastores' own VPC: the security groups admitting its CIDRs suffice.
    const own = ctx.options.awsNetwork?.[pair.to];
    if (pair.from === pair.to && isExistingNetwork(own) && own.vpcId === pair.cluster.vpcId) continue;
    const vpc = datastoreVpc(ctx, pair.to);
    if ("code" in vpc) {
      report(vpc);
      continue;
    }
    const overlap = pair.cluster.cidrBlocks.flatMap((a) =>
      vpc.cidrs.filter((b) => cidrsOverlap(a, b)).map((b) => [a, b]),
    );
    if (overlap.length > 0) {
      const [a, b] = overlap[0]!;
      ctx.problems.push(
        inputProblem(
          "aws/network-path-overlap",
          `${at}.cidrBlocks`,
          `the ${pair.from} cluster's ${a} overlaps ${b} of the datastore VPC in ${pair.to}; AWS routes neither peering nor transit gateway traffic between overlapping ranges`,
          "give the datastores an existing VPC with a distinct range (topoplan:network.<region>.vpcId), or move the cluster's VPC",
        ),
      );
      continue;
    }
    if ((pair.cluster.connect ?? "peering") === "peering") peering(ctx, pair, vpc);
    else if (pair.cluster.subnetIds === undefined)
      report(
        inputProblem(
          "aws/network-path-subnets",
          `${at}.subnetIds`,
          `a transit gateway attaches the ${pair.from} cluster's VPC (${pair.cluster.vpcId}) through one subnet per zone, and none are configured`,
          "list the cluster VPC's private subnets, one per zone, in subnetIds",
        ),
      );
    else transitGateway(ctx, pair, vpc);
  }
}

type Vpc = Exclude<ReturnType<typeof datastoreVpc>, Diagnostic>;

/** Routes in `tables` (in `region`) to each of `cidrs` through `target`, once per table and destination. */
function routes(
  ctx: AwsContext,
  region: string,
  tables: readonly pulumi.Input<string>[],
  cidrs: readonly string[],
  target: { vpcPeeringConnectionId: pulumi.Input<string> } | { transitGatewayId: pulumi.Input<string> },
  dependsOn: readonly string[],
): void {
  for (const table of tables) {
    for (const cidr of cidrs) {
      const name = logicalName(SHARED, `route-${tableKey(table)}-${cidrKey(cidr)}`, region);
      if (ctx.has(name)) continue;
      ctx.emit({
        type: "aws:ec2/route:Route",
        name,
        region,
        component: "",
        args: { routeTableId: table, destinationCidrBlock: cidr, ...target },
        ...(dependsOn.length > 0 ? { options: { dependsOn } } : {}),
      });
    }
  }
}

function peering(ctx: AwsContext, pair: Pair, vpc: Vpc): void {
  const cross = pair.from !== pair.to;
  const connection = ctx.emit({
    type: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
    name: logicalName(SHARED, `peering-to-${pair.to}`, pair.from),
    region: pair.from,
    component: "",
    args: {
      vpcId: pair.cluster.vpcId,
      peerVpcId: vpc.id,
      ...(cross ? { peerRegion: pair.to } : { autoAccept: true }),
      tags: { ...ctx.tags(""), Name: `${ctx.model.name} ${pair.from} cluster to ${pair.to} datastores` },
    },
  });
  const accepted = cross
    ? [
        ctx.emit({
          type: "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
          name: logicalName(SHARED, `peering-from-${pair.from}`, pair.to),
          region: pair.to,
          component: "",
          args: {
            vpcPeeringConnectionId: out(connection, "id"),
            autoAccept: true,
            tags: {
              ...ctx.tags(""),
              Name: `${ctx.model.name} ${pair.from} cluster to ${pair.to} datastores`,
            },
          },
        }),
      ]
    : [];
  const via = { vpcPeeringConnectionId: out(connection, "id") };
  routes(ctx, pair.from, pair.cluster.routeTableIds, vpc.cidrs, via, accepted);
  routes(ctx, pair.to, vpc.routeTables, pair.cluster.cidrBlocks, via, accepted);
}

/** The transit gateway of `region`, created on first use; ASN 64512 + the region's VPC octet (unique per region). */
function gateway(ctx: AwsContext, region: string): string {
  const name = logicalName(SHARED, "tgw", region);
  if (ctx.has(name)) return name;
  return ctx.emit({
    type: "aws:ec2transitgateway/transitGateway:TransitGateway",
    name,
    region,
    component: "",
    args: {
      description: `topoplan ${ctx.model.name}: clusters to datastores in ${region}`,
      amazonSideAsn: 64512 + (VPC_SECOND_OCTET[region] ?? 0),
      defaultRouteTableAssociation: "enable",
      defaultRouteTablePropagation: "enable",
      dnsSupport: "enable",
      tags: ctx.tags(""),
    },
  });
}

function attachment(
  ctx: AwsContext,
  region: string,
  which: "cluster" | "datastores",
  vpcId: pulumi.Input<string>,
  subnetIds: pulumi.Input<string>[],
): string {
  const name = logicalName(SHARED, `tgw-attachment-${which}`, region);
  if (ctx.has(name)) return name;
  return ctx.emit({
    type: "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
    name,
    region,
    component: "",
    args: { transitGatewayId: out(gateway(ctx, region), "id"), vpcId, subnetIds, tags: ctx.tags("") },
  });
}

function transitGateway(ctx: AwsContext, pair: Pair, vpc: Vpc): void {
  const clusterSide = attachment(ctx, pair.from, "cluster", pair.cluster.vpcId, [
    ...(pair.cluster.subnetIds ?? []),
  ]);
  const datastoreSide = attachment(ctx, pair.to, "datastores", vpc.id, ctx.vpcSubnets(pair.to));
  routes(
    ctx,
    pair.from,
    pair.cluster.routeTableIds,
    vpc.cidrs,
    { transitGatewayId: out(gateway(ctx, pair.from), "id") },
    [clusterSide],
  );
  routes(
    ctx,
    pair.to,
    vpc.routeTables,
    pair.cluster.cidrBlocks,
    { transitGatewayId: out(gateway(ctx, pair.to), "id") },
    [datastoreSide],
  );
  if (pair.from === pair.to) return; // one gateway: propagation routes between its attachments
  // One peering attachment per pair of gateways, requested by the region that sorts first.
  const [first, second] = [pair.from, pair.to].sort() as [string, string];
  const requester = logicalName(SHARED, `tgw-peering-to-${second}`, first);
  const accepter = logicalName(SHARED, `tgw-peering-from-${first}`, second);
  if (!ctx.has(requester)) {
    ctx.emit({
      type: "aws:ec2transitgateway/peeringAttachment:PeeringAttachment",
      name: requester,
      region: first,
      component: "",
      args: {
        transitGatewayId: out(gateway(ctx, first), "id"),
        peerTransitGatewayId: out(gateway(ctx, second), "id"),
        peerRegion: second,
        tags: ctx.tags(""),
      },
    });
    ctx.emit({
      type: "aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter",
      name: accepter,
      region: second,
      component: "",
      args: { transitGatewayAttachmentId: out(requester, "id"), tags: ctx.tags("") },
    });
  }
  // Static routes to the peering attachment in each gateway's default route table.
  const tgwRoute = (region: string, cidr: string) => {
    const name = logicalName(SHARED, `tgw-route-${cidrKey(cidr)}`, region);
    if (ctx.has(name)) return;
    ctx.emit({
      type: "aws:ec2transitgateway/route:Route",
      name,
      region,
      component: "",
      args: {
        destinationCidrBlock: cidr,
        transitGatewayAttachmentId: out(accepter, "transitGatewayAttachmentId"),
        transitGatewayRouteTableId: out(gateway(ctx, region), "associationDefaultRouteTableId"),
      },
      options: { dependsOn: [accepter] },
    });
  };
  for (const cidr of vpc.cidrs) tgwRoute(pair.from, cidr);
  for (const cidr of pair.cluster.cidrBlocks) tgwRoute(pair.to, cidr);
}
