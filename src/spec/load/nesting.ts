import {
  type Diagnostic,
  formatPath,
  type PathSegment,
  type SourceLocation,
} from "../../diagnostics/diagnostic.js";
import { MAX_SPEC_NESTING } from "./limits.js";

/** The one diagnostic for a spec nested too deeply, whichever format it is written in. */
export function tooDeep(
  format: "JSON" | "YAML",
  file: string,
  under: PathSegment | undefined,
  location?: SourceLocation,
): Diagnostic {
  const path = formatPath(under === undefined ? [] : [under]);
  return {
    code: `spec/${format.toLowerCase()}`,
    severity: "error",
    path,
    // With a location the formatter already names the file and line.
    message: `${location ? "" : `${file}: `}the ${format} nests too deeply to read (more than ${MAX_SPEC_NESTING} levels; a topology has fewer than ten)`,
    fix: location ? "flatten the nesting at that line" : `flatten the nesting under ${path}`,
    ...(location === undefined ? {} : { location }),
  };
}

interface Pending {
  readonly value: object;
  readonly parent: Pending | undefined;
  readonly key: PathSegment;
  readonly depth: number;
}

/**
 * The path to the first array or object nested deeper than MAX_SPEC_NESTING in parsed data, or
 * undefined. Iterative, so the walk itself cannot overflow the stack; each entry points at its
 * parent, and the path is built only for the one that is too deep.
 */
export function pathTooDeep(value: unknown): PathSegment[] | undefined {
  // The root container is level 1, as in the JSON scan.
  if (typeof value !== "object" || value === null) return undefined;
  const pending: Pending[] = [{ value, parent: undefined, key: "", depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.depth === MAX_SPEC_NESTING) {
      const path: PathSegment[] = [];
      for (let at: Pending | undefined = next; at?.parent !== undefined; at = at.parent) path.push(at.key);
      return path.reverse();
    }
    const array = Array.isArray(next.value);
    // Containers only: scalars cannot be too deep, and most of a spec is scalars.
    for (const [key, child] of Object.entries(next.value))
      if (typeof child === "object" && child !== null)
        pending.push({ value: child, parent: next, key: array ? Number(key) : key, depth: next.depth + 1 });
  }
  return undefined;
}
