import { formatPath } from "../../diagnostics/diagnostic.js";
import { ENDPOINT_ENV_SUFFIXES, type EndpointKind, endpointEnvPrefix } from "../../model/endpoint-env.js";
import { arrayOf, type CheckContext, componentsOf } from "./context.js";

interface DeployFields {
  readonly target?: unknown;
  readonly service?: unknown;
}

/**
 * No two callees of one Kubernetes service set the same endpoint variable in its pods
 * (model/endpoint-env.ts): AWS callees have two-word suffixes, so a service calling S3 buckets
 * `media` and `media-write` would get one TOPOPLAN_MEDIA_WRITE_BUCKET, whichever was written last,
 * and write where it meant to read.
 */
export function checkEndpointEnv(context: CheckContext): void {
  // Only callees of a kind whose variables can meet another's (the AWS services; no Kubernetes
  // callee's suffix is the tail of a two-word one): most topologies have few or none.
  const kinds = new Map<string, { kind: EndpointKind; group: string }>();
  for (const group of ["datastores", "streams", "services"] as const)
    for (const [name, component] of componentsOf(context, group)) {
      const kind = endpointKind((component as { deploy?: DeployFields }).deploy);
      if (kind !== undefined && MAY_MEET.has(kind)) kinds.set(name, { kind, group });
    }
  if (kinds.size < 2) return;
  for (const [caller, service] of componentsOf(context, "services")) {
    if ((service as { deploy?: DeployFields }).deploy?.target !== "kubernetes") continue;
    const calls = arrayOf((service as { calls?: readonly { to?: unknown }[] }).calls);
    // Made only for a caller of a callee with two-word suffixes (most callees have none).
    let callees: Set<unknown> | undefined;
    let reported: Set<string> | undefined;
    for (const call of calls) {
      const shorter = typeof call?.to === "string" ? call.to : undefined;
      const kind = shorter === undefined ? undefined : kinds.get(shorter)?.kind;
      if (shorter === undefined || kind === undefined || TWO_WORD[kind].length === 0) continue;
      if (reported?.has(shorter)) continue;
      callees ??= new Set(calls.map((c) => c?.to));
      // `x`'s WRITE_BUCKET meets `x-write`'s BUCKET: only a two-word suffix can meet a longer name's.
      const variables: string[] = [];
      let longer: string | undefined;
      for (const { word, rest, suffix } of TWO_WORD[kind]) {
        const other = `${shorter}-${word}`;
        const theirs = callees.has(other) ? kinds.get(other)?.kind : undefined;
        if (theirs === undefined || !(ENDPOINT_ENV_SUFFIXES[theirs] as readonly string[]).includes(rest))
          continue;
        variables.push(`${endpointEnvPrefix(shorter)}_${suffix}`);
        longer = other;
      }
      if (longer === undefined) continue;
      (reported ??= new Set()).add(shorter);
      context.report({
        code: "spec/endpoint-env-clash",
        path: formatPath([kinds.get(longer)!.group, longer]),
        message: `${caller} calls ${shorter} and ${longer}, and both would set ${variables.join(" and ")} in its pods (where each callee answers): one would silently replace the other`,
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
  if (
    deploy?.target === "aws" &&
    typeof deploy.service === "string" &&
    deploy.service in ENDPOINT_ENV_SUFFIXES
  )
    return deploy.service as EndpointKind;
  return undefined;
}
