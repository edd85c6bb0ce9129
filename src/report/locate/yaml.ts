import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { PathSegment } from "../../diagnostics/diagnostic.js";
import type { Position } from "./types.js";
import { fastYamlLocator } from "./yaml-fast.js";

/**
 * Positions of spec paths in a YAML (or JSON) document: the key of the deepest node the path reaches,
 * so `datastores.accounts.traffic` on a store without traffic points at `accounts:`.
 */
export function yamlLocator(text: string): (segments: readonly PathSegment[]) => Position {
  return fastYamlLocator(text) ?? documentLocator(text);
}

/** With the `yaml` package's Document: any YAML, slower (see yaml-fast.ts). */
export function documentLocator(text: string): (segments: readonly PathSegment[]) => Position {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, keepSourceTokens: false });
  const at = (offset: number | undefined): Position => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { line, column: col };
  };
  const root = document.contents as Node | null;
  return (segments) => {
    let node: unknown = root;
    let position = at(root?.range?.[0]);
    for (const segment of segments) {
      if (typeof segment === "number" && isSeq(node)) {
        const item = node.items[segment] as Node | undefined;
        if (item === undefined) break;
        position = at(item.range?.[0]);
        node = item;
      } else if (typeof segment === "string" && isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
        if (pair === undefined) break;
        position = at((pair.key as Node).range?.[0]);
        node = pair.value;
      } else break;
    }
    return position;
  };
}
