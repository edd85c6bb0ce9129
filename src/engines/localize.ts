/**
 * Turns what the compiler emits for a member's container into a local process: `$(VAR)` expanded
 * as the kubelet does, every member's peer host name mapped to the address the caller gives it,
 * the wildcard listen address to the member's own, and container paths to its data folder. Tests
 * and the lab start engines through here, so they run exactly the compiled arguments.
 */
export interface Localization {
  /** Values of `$(NAME)` references (the kubelet expands them from the container's env). */
  readonly vars: Readonly<Record<string, string>>;
  /** Host name → local address, for every member. */
  readonly hosts: ReadonlyMap<string, string>;
  /** The member's own address (replaces 0.0.0.0 listen addresses). */
  readonly address: string;
  /** Container path prefix → local folder, longest first. */
  readonly paths: readonly (readonly [string, string])[];
}

export function localize(text: string, l: Localization): string {
  let out = text.replace(/\$\(([A-Z_][A-Z0-9_]*)\)/g, (whole, name: string) => l.vars[name] ?? whole);
  // Longest host names first, so `a-1` never rewrites inside `a-10`.
  for (const [host, address] of [...l.hosts].sort(([a], [b]) => b.length - a.length)) {
    out = out.split(host).join(address);
  }
  out = out.split("0.0.0.0").join(l.address);
  // One pass over every container path (longest first), so a replacement is never rewritten again
  // (a temp folder under /tmp must not be mapped twice).
  const paths = [...l.paths].sort(([a], [b]) => b.length - a.length);
  if (paths.length > 0) {
    const target = new Map(paths);
    const pattern = new RegExp(
      `(^|[=\\s:'"])(${paths.map(([from]) => escapeRegExp(from)).join("|")})(?=/|$|[\\s'",])`,
      "g",
    );
    out = out.replace(pattern, (_, lead: string, from: string) => `${lead}${target.get(from) ?? from}`);
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
