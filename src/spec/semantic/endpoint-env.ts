import { formatPath } from "../../diagnostics/diagnostic.js";
import { isReadOp } from "../../model/call-ops.js";
import { ENDPOINT_ENV_SUFFIXES, type EndpointKind, endpointEnvPrefix } from "../../model/endpoint-env.js";
import { arrayOf, type CheckContext, componentsOf } from "./context.js";

interface DeployFields {
  readonly target?: unknown;
  readonly service?: unknown;
}

type Group = "datastores" | "streams" | "services";

/** A call's op when the spec leaves it out, by what it calls (as model/resolve.ts resolves it). */
const DEFAULT_OP: Readonly<Record<Group, string>> = {
  datastores: "read",
  streams: "produce",
  services: "request",
};

/**
 * No two callees of one Kubernetes service set the same endpoint variable in its pods
 * (model/endpoint-env.ts): AWS callees have two-word suffixes, so a service writing to S3 bucket
 * `media` and calling `media-write` would get one TOPOPLAN_MEDIA_WRITE_BUCKET, whichever was
 * written last, and write where it meant to read. A callee is what the compile gives variables for
 * (compile/aws-access): each call's target, and each AWS stream the service produces to or
 * consumes from; a two-word suffix is set only for a caller that writes (produces): `_WRITE_*`,
 * `_PRODUCE_*` (aws/access.ts).
 */
export function checkEndpointEnv(context: CheckContext): void {
  // Only callees of a kind whose variables can meet another's (the AWS services; no Kubernetes
  // callee's suffix is the tail of a two-word one): most topologies have few or none.
  const kinds = new Map<string, { kind: EndpointKind; group: Group }>();
  const members = new Map<string, { stream: string; op: string }[]>();
  for (const group of ["datastores", "streams", "services"] as const)
    for (const [name, component] of componentsOf(context, group)) {
      const kind = endpointKind((component as { deploy?: DeployFields }).deploy);
      if (kind === undefined || !MAY_MEET.has(kind)) continue;
      kinds.set(name, { kind, group });
      if (group !== "streams") continue;
      const { producers, consumers } = component as { producers?: unknown[]; consumers?: unknown[] };
      for (const [list, op] of [
        [producers, "produce"],
        [consumers, "consume"],
      ] as const)
        for (const member of arrayOf(list))
          if (typeof member === "string")
            members.set(member, [...(members.get(member) ?? []), { stream: name, op }]);
    }
  if (kinds.size < 2) return;
  for (const [caller, service] of componentsOf(context, "services")) {
    if ((service as { deploy?: DeployFields }).deploy?.target !== "kubernetes") continue;
    // What the service does to each callee whose variables may meet another's: its ops.
    let ops: Map<string, string[]> | undefined;
    const add = (callee: string, op: string) => {
      ops ??= new Map();
      ops.set(callee, [...(ops.get(callee) ?? []), op]);
    };
    for (const call of arrayOf((service as { calls?: readonly { to?: unknown; op?: unknown }[] }).calls)) {
      const found = typeof call?.to === "string" ? kinds.get(call.to) : undefined;
      if (found !== undefined)
        add(call!.to as string, typeof call?.op === "string" ? call.op : DEFAULT_OP[found.group]);
    }
    for (const { stream, op } of members.get(caller) ?? []) add(stream, op);
    if (ops === undefined || ops.size < 2) continue;
    for (const [shorter, its] of ops) {
      const { kind } = kinds.get(shorter)!;
      // Only a writer (producer) gets `_WRITE_*` (`_PRODUCE_*`).
      if (TWO_WORD[kind].length === 0 || its.every(isReadOp)) continue;
      // `x`'s WRITE_BUCKET meets `x-write`'s BUCKET: only a two-word suffix can meet a longer name's.
      const variables: string[] = [];
      let longer: string | undefined;
      for (const { word, rest, suffix } of TWO_WORD[kind]) {
        const other = `${shorter}-${word}`;
        const theirs = ops.has(other) ? kinds.get(other)!.kind : undefined;
        if (theirs === undefined || !(ENDPOINT_ENV_SUFFIXES[theirs] as readonly string[]).includes(rest))
          continue;
        variables.push(`${endpointEnvPrefix(shorter)}_${suffix}`);
        longer = other;
      }
      if (longer === undefined) continue;
      context.report({
        code: "spec/endpoint-env-clash",
        path: formatPath([kinds.get(longer)!.group, longer]),
        message: `${caller} writes to ${shorter} and uses ${longer}, and both would set ${variables.join(" and ")} in its pods (where each callee answers): one would silently replace the other`,
        fix: `rename ${longer} (or ${shorter}) so that no callee's name is another's followed by "-" and the first word of one of its variables (${[...new Set(TWO_WORD[kind].map((t) => t.word))].join(", ")})`,
      });
    }
  }
}

/** Each kind's two-word suffixes, split: `WRITE_BUCKET` → write + BUCKET. */
const TWO_WORD: Readonly<Record<EndpointKind, readonly { word: string; rest: string; suffix: string }[]>> =
  Object.fromEntries(
    Object.entries(ENDPOINT_ENV_SUFFIXES).map(([kind, suffixes]) => [
      kind,
      (suffixes as readonly string[]).flatMap((suffix) => {
        const at = suffix.indexOf("_");
        return at < 0
          ? []
          : [{ word: suffix.slice(0, at).toLowerCase(), rest: suffix.slice(at + 1), suffix }];
      }),
    ]),
  ) as Record<EndpointKind, { word: string; rest: string; suffix: string }[]>;

/** Kinds with a two-word suffix, or with a suffix that is the tail of one (`BUCKET` of `WRITE_BUCKET`). */
const MAY_MEET: ReadonlySet<EndpointKind> = new Set(
  (Object.keys(ENDPOINT_ENV_SUFFIXES) as EndpointKind[]).filter(
    (kind) =>
      TWO_WORD[kind].length > 0 ||
      (ENDPOINT_ENV_SUFFIXES[kind] as readonly string[]).some((suffix) =>
        Object.values(TWO_WORD).some((pairs) => pairs.some((pair) => pair.rest === suffix)),
      ),
  ),
);

/** Which suffix table a callee's variables come from; undefined for one that sets none (an external one). */
function endpointKind(deploy: DeployFields | undefined): EndpointKind | undefined {
  if (deploy?.target === "kubernetes") return "kubernetes";
  const service = deploy?.service;
  // The checks also run on specs that failed the shape check: only an AWS service of the table.
  if (deploy?.target !== "aws" || typeof service !== "string" || service === "kubernetes") return undefined;
  return Object.hasOwn(ENDPOINT_ENV_SUFFIXES, service) ? (service as EndpointKind) : undefined;
}
