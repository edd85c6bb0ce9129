/**
 * The variables that tell a service's pods where each callee answers: `TOPOPLAN_<CALLEE>_<SUFFIX>`,
 * set per region by compile/kubernetes/callee-env.ts (a callee on Kubernetes) and
 * compile/aws/access.ts (a managed AWS service). One table of suffixes for both and for the spec
 * check that no two callees of one service set the same variable (spec/semantic/endpoint-env.ts):
 * the AWS ones have two-word suffixes (`_WRITE_BUCKET`), so `x`'s and `x-write`'s would meet.
 */
export const ENDPOINT_ENV_SUFFIXES = {
  kubernetes: ["HOST", "PORT", "DISCOVERY"],
  dynamodb: ["TABLE", "REGION", "WRITE_REGION"],
  "aurora-postgresql": ["WRITER", "READER", "PORT"],
  s3: ["BUCKET", "REGION", "WRITE_BUCKET", "WRITE_REGION"],
  msk: ["BOOTSTRAP", "PRODUCE_BOOTSTRAP"],
} as const satisfies Readonly<Record<string, readonly string[]>>;

export type EndpointKind = keyof typeof ENDPOINT_ENV_SUFFIXES;

/** `TOPOPLAN_ORDERS_DB`: the first part of every variable of callee `orders-db` (names are DNS labels). */
export const endpointEnvPrefix = (component: string): string =>
  `TOPOPLAN_${component.toUpperCase().replaceAll("-", "_")}`;

/** The variable of `component` with `suffix`, one of its kind's. */
export function endpointEnv<K extends EndpointKind>(
  component: string,
  _kind: K,
  suffix: (typeof ENDPOINT_ENV_SUFFIXES)[K][number],
): string {
  return `${endpointEnvPrefix(component)}_${suffix}`;
}
