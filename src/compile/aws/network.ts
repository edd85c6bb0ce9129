import { type Diagnostic, inputProblem } from "../../diagnostics/diagnostic.js";

/**
 * Second octet of the VPC topoplan creates in each AWS region: 10.<octet>.0.0/16.
 * A fixed table rather than a position in the catalog, so a region's CIDR (and so its VPC,
 * subnets and every database in them) never changes when the catalog gains a region.
 * NEVER change an entry; give a new region the next free number.
 */
export const VPC_SECOND_OCTET: Readonly<Record<string, number>> = {
  "af-south-1": 10,
  "ap-east-1": 11,
  "ap-northeast-1": 12,
  "ap-northeast-2": 13,
  "ap-northeast-3": 14,
  "ap-south-1": 15,
  "ap-south-2": 16,
  "ap-southeast-1": 17,
  "ap-southeast-2": 18,
  "ap-southeast-3": 19,
  "ap-southeast-4": 20,
  "ap-southeast-5": 21,
  "ap-southeast-7": 22,
  "ca-central-1": 23,
  "ca-west-1": 24,
  "eu-central-1": 25,
  "eu-central-2": 26,
  "eu-north-1": 27,
  "eu-south-1": 28,
  "eu-south-2": 29,
  "eu-west-1": 30,
  "eu-west-2": 31,
  "eu-west-3": 32,
  "il-central-1": 33,
  "me-central-1": 34,
  "me-south-1": 35,
  "mx-central-1": 36,
  "sa-east-1": 37,
  "us-east-1": 38,
  "us-east-2": 39,
  "us-west-1": 40,
  "us-west-2": 41,
};

export function vpcCidr(region: string): string | undefined {
  const octet = VPC_SECOND_OCTET[region];
  return octet === undefined ? undefined : `10.${octet}.0.0/16`;
}

/**
 * One /20 per zone, numbered by the zone's letter (a → 10.n.0.0/20, b → 10.n.16.0/20, …), so a
 * zone's subnet stays put when other zones come and go. 16 zones fit a /16.
 */
export function subnetCidr(region: string, zone: string): string | undefined {
  const octet = VPC_SECOND_OCTET[region];
  const letter = zone.startsWith(region) ? zone.slice(region.length) : "";
  const index = letter.length === 1 ? letter.charCodeAt(0) - 97 : -1;
  if (octet === undefined || index < 0 || index > 15) return undefined;
  return `10.${octet}.${index * 16}.0/20`;
}

const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(\d|[12]\d|3[0-2])$/;

/** Caller CIDRs must be IPv4 CIDRs and never the whole internet. */
export function cidrProblems(cidrs: readonly string[], path: string): Diagnostic[] {
  const problems: Diagnostic[] = [];
  cidrs.forEach((cidr, i) => {
    const at = `${path}[${i}]`;
    if (!IPV4_CIDR.test(cidr)) {
      problems.push(
        inputProblem("aws/invalid-cidr", at, `"${cidr}" is not an IPv4 CIDR`, 'write it as "10.20.0.0/16"'),
      );
    } else if (cidr.endsWith("/0")) {
      problems.push(
        inputProblem(
          "aws/open-ingress",
          at,
          `"${cidr}" would open the datastore to every address; topoplan never allows ingress from /0`,
          "list the node or pod CIDRs of the Kubernetes clusters whose services call it",
        ),
      );
    }
  });
  return problems;
}

/** An IPv4 CIDR as its first address and size, or undefined if it is not one. */
function range(cidr: string): { start: number; size: number } | undefined {
  if (!IPV4_CIDR.test(cidr)) return undefined;
  const [address, bits] = cidr.split("/") as [string, string];
  const start = address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  return { start: start - (start % size), size };
}

/** Whether two IPv4 CIDRs share an address (peering and transit gateways refuse overlapping VPCs). */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = range(a);
  const y = range(b);
  return x !== undefined && y !== undefined && x.start < y.start + y.size && y.start < x.start + x.size;
}
