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
  const kinds = new Map<string, { kind: EndpointKind; group: string }>();
  for (const group of ["datastores", "streams", "services"] as const)
    for (const [name, component] of componentsOf(context, group)) {
      const kind = endpointKind((component as { deploy?: DeployFields }).deploy);
      if (kind !== undefined) kinds.set(name, { kind, group });
    }
  for (const [caller, service] of componentsOf(context, "services")) {
    if ((service as { deploy?: DeployFields }).deploy?.target !== "kubernetes") continue;
    const callees = new Set<string>();
    for (const call of arrayOf((service as { calls?: readonly { to?: unknown }[] }).calls))
      if (typeof call?.to === "string" && kinds.has(call.to)) callees.add(call.to);
    // `x`'s WRITE_BUCKET meets `x-write`'s BUCKET: only a two-word suffix can meet a longer name's.
    for (const shorter of callees) {
      const variables: string[] = [];
      let longer: string | undefined;
      for (const suffix of ENDPOINT_ENV_SUFFIXES[kinds.get(shorter)!.kind] as readonly string[]) {
        const [word, ...rest] = suffix.split("_");
        if (rest.length === 0) continue;
        const other = `${shorter}-${word!.toLowerCase()}`;
        const theirs = callees.has(other) ? kinds.get(other)!.kind : undefined;
        if (
          theirs === undefined ||
          !(ENDPOINT_ENV_SUFFIXES[theirs] as readonly string[]).includes(rest.join("_"))
        )
          continue;
        variables.push(`${endpointEnvPrefix(shorter)}_${suffix}`);
        longer = other;
      }
      if (longer !== undefined)
        context.report({
          code: "spec/endpoint-env-clash",
          path: formatPath([kinds.get(longer)!.group, longer]),
          message: `${caller} calls ${shorter} and ${longer}, and both would set ${variables.join(" and ")} in its pods (where each callee answers): one would silently replace the other`,
          fix: `rename ${longer} (or ${shorter}) so that no callee's name is another's followed by "-" and the first word of one of its variables (${variableWords(kinds.get(shorter)!.kind)})`,
        });
    }
  }
}

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

/** The first words of a kind's two-word suffixes: `write`, `produce`. */
function variableWords(kind: EndpointKind): string {
  const words = ENDPOINT_ENV_SUFFIXES[kind]
    .filter((suffix) => suffix.includes("_"))
    .map((suffix) => suffix.split("_")[0]!.toLowerCase());
  return [...new Set(words)].join(", ");
}
