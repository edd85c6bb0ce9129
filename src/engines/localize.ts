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
  for (const [from, to] of [...l.paths].sort(([a], [b]) => b.length - a.length)) {
    out = out.replace(new RegExp(`(^|[=\\s:'"])${escapeRegExp(from)}(?=/|$|[\\s'",])`, "g"), `$1${to}`);
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
