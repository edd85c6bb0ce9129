import { formatPath } from "../../diagnostics/diagnostic.js";
import { type CheckContext, componentsOf, entriesOf } from "./context.js";

/**
 * Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource): a decimal number and an
 * optional binary (Ki…Ei), decimal (n, u, m, k, M…E) or exponent suffix.
 */
const QUANTITY = /^([+-]?)(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

const SCALE: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A quantity's value (cores, bytes), or undefined when it is not quantity syntax. */
export function quantityValue(text: string): number | undefined {
  const match = text.match(QUANTITY);
  if (!match) return undefined;
  const [, sign, number, , suffix = ""] = match;
  const scale = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SCALE[suffix]!;
  return (sign === "-" ? -1 : 1) * Number(number) * scale;
}

const RESOURCES = [
  { field: "cpu", example: '"500m" or "2"', smallest: 0.001, unit: "core" },
  { field: "memory", example: '"512Mi" or "4Gi"', smallest: 2 ** 20, unit: "byte" },
] as const;

/** cpu and memory are positive Kubernetes quantities; memory of "4G" is bytes, not "4g". */
export function checkQuantities(context: CheckContext): void {
  for (const kind of ["datastores", "services", "streams"] as const) {
    for (const [name, component] of componentsOf(context, kind)) {
      for (const { field, example, smallest, unit } of RESOURCES) {
        const text = (component?.deploy as Record<string, unknown> | undefined)?.[field];
        if (typeof text !== "string") continue;
        const value = quantityValue(text);
        // The path only for a report: 40,000 quantities at 20,000 services are fine (issue #15).
        const path = () => formatPath([kind, name, "deploy", field]);
        if (value === undefined)
          context.report({
            code: "spec/quantity",
            path: path(),
            message: `${JSON.stringify(text)} is not a Kubernetes quantity`,
            fix: `write ${field} as ${example}`,
          });
        else if (!(value >= smallest) || !Number.isFinite(value))
          context.report({
            code: "spec/quantity",
            path: path(),
            message: `${field} ${JSON.stringify(text)} is ${value <= 0 ? "not positive" : `below the smallest useful request (${smallest} ${unit}s)`}`,
            fix: `request a positive amount, e.g. ${example}`,
          });
      }
    }
  }
}

/** Shares within this of 1 are rounding (0.33 + 0.33 + 0.33); anything else is a mistake. */
export const SHARE_TOLERANCE = 0.011;

/** `users` shares are fractions of demand that add up to 1. */
export function checkUserShares(context: CheckContext): void {
  const shares = entriesOf<unknown>(context.topology.users).filter(
    (entry): entry is [string, number] => typeof entry[1] === "number" && Number.isFinite(entry[1]),
  );
  if (shares.length === 0) return;
  const sum = shares.reduce((total, [, share]) => total + share, 0);
  if (Math.abs(sum - 1) <= SHARE_TOLERANCE) return;
  const percent = shares.every(([, share]) => share >= 1) && Math.abs(sum - 100) <= 100 * SHARE_TOLERANCE;
  const normalised = shares.map(([region, share]) => `${region}: ${+(share / sum).toFixed(3)}`).join(", ");
  context.report({
    code: "spec/user-shares",
    path: "users",
    message: `the shares add up to ${+sum.toPrecision(6)}, not 1${percent ? " (percentages? shares are fractions)" : ""}`,
    fix: `use fractions that add up to 1, e.g. { ${normalised} }`,
  });
}
