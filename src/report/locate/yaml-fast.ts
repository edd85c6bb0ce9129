import jsyaml from "js-yaml";
import type { PathSegment } from "../../diagnostics/diagnostic.js";
import { CORE_AS_YAML } from "../../spec/load/yaml-core.js";
import type { Position } from "./types.js";

/** A node as js-yaml's listener reports it: where it starts, and its children in document order. */
interface Located {
  offset: number;
  kind?: string;
  value?: unknown;
  readonly children: Located[];
  /** Mapping pairs (key node, value node) by key, built on first look-up. */
  byKey?: Map<string, readonly [Located, Located]>;
}

/** What js-yaml's loader state holds when it calls the listener (js-yaml 4, lib/loader.js). */
interface ListenerState {
  readonly position: number;
  readonly kind: string | null;
  readonly result: unknown;
}

const SPACE = new Set([" ", "\t", "\r", "\n"]);

/**
 * Positions of spec paths in a YAML document, read with js-yaml's node listener (many times faster
 * than composing a `yaml` Document on a large spec). Returns undefined when the document uses
 * something the node stream does not pair up plainly (explicit keys, a mapping whose pairs do not
 * match its keys): the caller then uses the `yaml` package.
 */
export function fastYamlLocator(text: string): ((segments: readonly PathSegment[]) => Position) | undefined {
  const root: Located = { offset: 0, children: [] };
  const stack: Located[] = [root];
  let consistent = true;
  try {
    jsyaml.load(text, {
      schema: CORE_AS_YAML,
      listener(event: "open" | "close", state: ListenerState) {
        if (event === "open") {
          stack.push({ offset: state.position, children: [] });
          return;
        }
        let node = stack.pop()!;
        node.kind = state.kind ?? "";
        // A block sequence entry is reported twice, entry and content, at one offset: keep one.
        const only = node.children.length === 1 ? node.children[0]! : undefined;
        if (only !== undefined && only.offset === node.offset && only.kind === node.kind) node = only;
        else if (node.kind === "scalar") node.value = state.result;
        else if (node.kind === "mapping") consistent &&= pairsMatch(node, state.result);
        stack[stack.length - 1]?.children.push(node);
      },
    });
  } catch {
    return undefined;
  }
  const top = root.children[0];
  if (!consistent || top === undefined || root.children.length !== 1) return undefined;

  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const at = (node: Located): Position => {
    // The listener fires before the separation space before a value is skipped.
    let offset = node.offset;
    while (offset < text.length && SPACE.has(text[offset]!)) offset++;
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - lineStarts[low]! + 1 };
  };
  return (segments) => {
    let node = top;
    let position = at(top);
    for (const segment of segments) {
      if (typeof segment === "number" && node.kind === "sequence") {
        const item = node.children[segment];
        if (item === undefined) break;
        position = at(item);
        node = item;
      } else if (typeof segment === "string" && node.kind === "mapping") {
        const pair = pairsOf(node).get(segment);
        if (pair === undefined) break;
        position = at(pair[0]);
        node = pair[1];
      } else break;
    }
    return position;
  };
}

function pairsOf(node: Located): Map<string, readonly [Located, Located]> {
  if (node.byKey === undefined) {
    node.byKey = new Map();
    for (let i = 0; i + 1 < node.children.length; i += 2) {
      const key = String(node.children[i]!.value);
      if (!node.byKey.has(key)) node.byKey.set(key, [node.children[i]!, node.children[i + 1]!]);
    }
  }
  return node.byKey;
}

/** The children alternate scalar key, value, and the keys are exactly the mapping's. */
function pairsMatch(node: Located, result: unknown): boolean {
  const { children } = node;
  if (children.length % 2 !== 0 || result === null || typeof result !== "object") return false;
  const keys = new Set(Object.keys(result));
  if (keys.size !== children.length / 2) return false;
  for (let i = 0; i < children.length; i += 2) {
    const key = children[i]!;
    if (key.kind !== "scalar" || !keys.has(String(key.value))) return false;
  }
  return true;
}
