import { formatPath, type PathSegment } from "../../diagnostics/diagnostic.js";

/** A key that appears twice in one JSON object: its path (the object's) and where the second one is. */
export interface DuplicateKey {
  readonly key: string;
  readonly path: string;
  readonly offset: number;
}

/** A container opened deeper than the limit: where, and the top-level member it is under. */
export interface TooDeep {
  readonly under: PathSegment | undefined;
  readonly offset: number;
}

/**
 * One pass over JSON `text`: the first container nested deeper than `maxNesting` (the scan stops
 * there), else the first key repeated within one object. JSON.parse keeps the last value silently;
 * a spec should say which one it meant, as YAML specs must (spec/yaml-duplicate-key). Keys compare
 * decoded ("\u0061" is "a"). It runs before JSON.parse, so that a file of millions of `[` is refused
 * without being parsed; a malformed text only yields less here, and JSON.parse then names the error.
 * Linear in the text: one frame per open container, and an object's path is built only when a
 * duplicate is found (copying it per level made 50,000 levels take gigabytes).
 */
export function scanJson(text: string, maxNesting: number): { duplicate?: DuplicateKey; tooDeep?: TooDeep } {
  // Per open container: its keys (objects), the member being read, and whether a key comes next.
  const stack: { keys?: Set<string>; member: PathSegment; expectKey: boolean }[] = [];
  let duplicate: DuplicateKey | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
      const top = stack[stack.length - 1];
      if (top?.keys !== undefined && top.expectKey) {
        const key = decodeKey(text.slice(start, i + 1));
        if (duplicate === undefined && top.keys.has(key)) {
          const path = formatPath(stack.slice(0, -1).map((frame) => frame.member));
          duplicate = { key, path, offset: start };
        }
        top.keys.add(key);
        top.member = key;
        top.expectKey = false;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length === maxNesting) return { tooDeep: { under: stack[0]?.member, offset: i } };
      stack.push(
        c === 0x7b ? { keys: new Set(), member: "", expectKey: true } : { member: 0, expectKey: false },
      );
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) stack.pop();
    else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top === undefined) continue;
      if (top.keys !== undefined) top.expectKey = true;
      else top.member = (top.member as number) + 1;
    }
  }
  return duplicate === undefined ? {} : { duplicate };
}

/** A quoted key as JSON.parse reads it; a malformed escape is left as written (JSON.parse reports it). */
function decodeKey(raw: string): string {
  if (!raw.includes("\\")) return raw.slice(1, -1);
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}
