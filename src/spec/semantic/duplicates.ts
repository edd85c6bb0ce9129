import { formatPath } from "../../diagnostics/diagnostic.js";
import type { CheckContext } from "./context.js";
import { matches, type NodeCheck, type SpecNode } from "./walk.js";

/**
 * A list that names a thing twice (a region, a zone, a producer, a link) is a mistake, and later
 * stages would plan the same resource twice: every list is a set except the ones below. Objects
 * in a list are compared by what identifies them.
 */
const IDENTITY: readonly { at: string; key: (item: unknown) => string | undefined }[] = [
  {
    at: "network.links",
    key: (item) => {
      const between = (item as { between?: unknown })?.between;
      return Array.isArray(between) ? [...between].map(String).sort().join(" ↔ ") : undefined;
    },
  },
  {
    at: "services.*.calls",
    key: (item) => {
      const call = item as { to?: unknown; op?: unknown };
      return typeof call?.to === "string"
        ? `${call.to}${call.op === undefined ? "" : ` (${String(call.op)})`}`
        : undefined;
    },
  },
  {
    at: "policies.suppress",
    key: (item) => {
      const s = item as { rule?: unknown; path?: unknown };
      return typeof s?.rule === "string" && typeof s.path === "string" ? `${s.rule} at ${s.path}` : undefined;
    },
  },
];

/** Lists whose items may repeat: a command line may pass a flag twice. */
const MULTISETS = [["*", "*", "deploy", "args"]];

const IDENTITIES = IDENTITY.map((entry) => ({ ...entry, pattern: entry.at.split(".") }));

export function duplicateCheck(context: CheckContext): NodeCheck {
  return { visit: (node) => reportDuplicates(context, node) };
}

function reportDuplicates(context: CheckContext, node: SpecNode): void {
  const { value } = node;
  if (!Array.isArray(value) || MULTISETS.some((pattern) => matches(node, pattern))) return;
  const identity = IDENTITIES.find((entry) => matches(node, entry.pattern))?.key;
  const first = new Map<string, number>();
  value.forEach((item, i) => {
    const key = identity
      ? identity(item)
      : typeof item === "string" || typeof item === "number"
        ? String(item)
        : undefined;
    if (key === undefined) return;
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, i);
      return;
    }
    const at = node.at;
    context.report({
      code: "spec/duplicate",
      path: formatPath([...at, i]),
      message: `${JSON.stringify(key)} is listed twice (also at [${earlier}])`,
      fix:
        identity === undefined
          ? `remove ${formatPath([...at, i])}`
          : `merge ${formatPath([...at, i])} into ${formatPath([...at, earlier])}, or remove one`,
    });
  });
}
