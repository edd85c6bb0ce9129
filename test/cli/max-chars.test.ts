/**
 * `--max-chars N` accepts 2000 to 65536 (`--max-chars 1500` is exit 2), and `check --help` and
 * `diff --help` said only the default: the range is in the help, and it is the range the flag takes.
 */
import { describe, expect, it } from "vitest";
import { helpText } from "../../src/cli/args.js";
import { checkCommand } from "../../src/cli/commands/check.js";
import { diffCommand } from "../../src/cli/commands/diff.js";
import { maxCharsFlag } from "../../src/cli/max-chars.js";
import { InputError } from "../../src/diagnostics/diagnostic.js";

describe.each([checkCommand, diffCommand])("$name --help", (command) => {
  const line = helpText(command)
    .split("\n")
    .find((l) => l.startsWith("  --max-chars N"));

  it("says the range --max-chars accepts and its default", () => {
    expect(line).toBe(
      "  --max-chars N  markdown: fit in N characters, 2000 to 65536 (default 65536, GitHub's comment limit)",
    );
  });

  it("the range it says is the one the flag takes: its ends accepted, one past them refused", () => {
    const [min, max] = /(\d+) to (\d+)/
      .exec(line ?? "")!
      .slice(1)
      .map(Number) as [number, number];
    expect(maxCharsFlag(String(min))).toBe(min);
    expect(maxCharsFlag(String(max))).toBe(max);
    expect(() => maxCharsFlag(String(min - 1))).toThrow(InputError);
    expect(() => maxCharsFlag(String(max + 1))).toThrow(InputError);
  });
});

describe("maxCharsFlag", () => {
  it.each(["1500", "1999", "65537", "2000.5", "abc", "", "1e4", "0x1000", " 5000"])(
    "refuses %j, naming the range",
    (value) => {
      expect(() => maxCharsFlag(value)).toThrow(
        `--max-chars must be a whole number from 2000 to 65536 (got "${value}")`,
      );
    },
  );

  it("defaults to GitHub's comment limit", () => {
    expect(maxCharsFlag(undefined)).toBe(65_536);
  });
});
