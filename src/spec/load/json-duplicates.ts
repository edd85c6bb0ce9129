import { formatPath, type PathSegment } from "../../diagnostics/diagnostic.js";

/** A key that appears twice in one JSON object: its path (the object's) and where the second one is. */
export interface DuplicateKey {
  readonly key: string;
  readonly path: string;
  readonly offset: number;
}

/**
 * The first key repeated within one object of `text`, which JSON.parse has already accepted (so the
 * text is well-formed and a simple scan suffices). JSON.parse keeps the last value silently; a spec
 * should say which one it meant, as YAML specs must (spec/yaml-duplicate-key). Keys compare decoded
 * ("\u0061" is "a"). One pass, no allocation per value: a large spec pays a few ms.
 */
export function firstDuplicateKey(text: string): DuplicateKey | undefined {
  // Per open container: its keys (objects), its path, and the member being read.
  const stack: { keys?: Set<string>; path: PathSegment[]; member: PathSegment; expectKey: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
      const top = stack[stack.length - 1];
      if (top?.keys !== undefined && top.expectKey) {
        const raw = text.slice(start, i + 1);
        const key = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (top.keys.has(key)) return { key, path: formatPath(top.path), offset: start };
        top.keys.add(key);
        top.member = key;
        top.expectKey = false;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const top = stack[stack.length - 1];
      const path = top === undefined ? [] : [...top.path, top.member];
      stack.push(
        c === 0x7b
          ? { keys: new Set(), path, member: "", expectKey: true }
          : { path, member: 0, expectKey: false },
      );
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) stack.pop();
    else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top === undefined) continue;
      if (top.keys !== undefined) top.expectKey = true;
      else top.member = (top.member as number) + 1;
    }
  }
  return undefined;
}
