import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { wrapPlain } from "../../src/diagnostics/format-text.js";

/** The word-by-word wrapping wrapPlain replaced (issue #15): the reference it must equal. */
function wrapWordByWord(text: string, used: number, indent: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  let room = width - used;
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
      room = width - indent.length;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : `${indent}${l}`));
}

describe("wrapPlain", () => {
  it("wraps as the word-by-word version does, spaces, long words and narrow rooms included", () => {
    const text = fc
      .array(fc.constantFrom("a", "bb", "ccccc", " ", " ", "  ", "[code]"), { maxLength: 40 })
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(
        text,
        fc.integer({ min: 0, max: 30 }),
        fc.constantFrom("", "  ", "     "),
        fc.integer({ min: 1, max: 24 }),
        (t, used, indent, width) => {
          expect(wrapPlain(t, used, indent, width)).toEqual(wrapWordByWord(t, used, indent, width));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it("keeps a finding's message and code apart by their two spaces", () => {
    const message = "timeout 250 ms gives up before 3 attempts × 100 ms + 60 ms backoff = 360 ms can finish";
    expect(wrapPlain(`${message}  [timeout-budget]`, 50, " ".repeat(10))).toEqual(
      wrapWordByWord(`${message}  [timeout-budget]`, 50, " ".repeat(10), 100),
    );
  });
});
