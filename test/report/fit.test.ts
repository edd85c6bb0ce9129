import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { main, terminalIo } from "../../src/cli/main.js";
import { markdownCode } from "../../src/report/escape.js";
import { cutRow, fitMarkdown, type MarkdownSection } from "../../src/report/fit.js";

const section = fc.record({
  title: fc.string({ minLength: 1, maxLength: 40 }).map((t) => t.replace(/\s/g, "x")),
  noun: fc.constantFrom("finding", "resource change", "destructive change"),
  head: fc.constant(["| a | b |", "| --- | --- |"]),
  rows: fc.array(
    fc.integer({ min: 1, max: 700 }).map((n) => `| ${"r".repeat(n)} |`),
    { maxLength: 40 },
  ),
  collapsed: fc.boolean(),
  whole: fc.boolean(),
}) as fc.Arbitrary<MarkdownSection>;

describe("fitMarkdown", () => {
  it("never passes the limit, whatever the sections (the head alone fits)", () => {
    fc.assert(
      fc.property(
        fc.array(section, { maxLength: 8 }),
        fc.integer({ min: 1_500, max: 30_000 }),
        (sections, limit) => {
          const text = fitMarkdown(
            { head: ["## verdict", "summary line"], sections, rest: "run the JSON" },
            limit,
          );
          expect(text.length).toBeLessThanOrEqual(limit);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("names the limit it cut to: GitHub's by default, the one given otherwise", () => {
    const doc = {
      head: ["## verdict"],
      sections: [
        { title: "Findings", noun: "finding", rows: Array.from({ length: 50 }, () => "x".repeat(100)) },
      ],
      rest: "run the JSON.",
    };
    expect(fitMarkdown(doc, 2_000)).toContain("**Cut to fit the 2,000-character comment limit:**");
    expect(
      fitMarkdown({ ...doc, sections: [{ ...doc.sections[0]!, rows: Array(800).fill("y".repeat(100)) }] }),
    ).toContain("**Cut to fit GitHub's 65,536-character comment limit:**");
  });

  it("a small --max-chars still shows the first destructive change of a diff (review: the table was left empty)", async () => {
    let stdout = "";
    const io = terminalIo(
      (t) => {
        stdout += t;
      },
      () => undefined,
      false,
    );
    const argv = [
      "diff",
      "stacks/service-mesh.ts",
      "stacks/hybrid.ts",
      "--format",
      "markdown",
      "--max-chars",
      "2000",
    ];
    expect(await main(argv, io)).toBe(1);
    expect(stdout.length).toBeLessThanOrEqual(2_000);
    const lines = stdout.split("\n");
    const at = lines.findIndex((l) => l.startsWith("### Destructive changes"));
    expect(at).toBeGreaterThanOrEqual(0);
    // Heading, blank, the table's header and rule, then at least one row.
    expect(lines[at + 4]).toMatch(/^\| /);
  });
});

describe("a first row too long for the room left", () => {
  it("is cut to the room rather than left out, and the output stays under the limit", () => {
    const doc = {
      head: ["## verdict"],
      sections: [
        {
          title: "Destructive changes (1)",
          noun: "destructive change",
          head: ["| Path | Change |", "| --- | --- |"],
          rows: [`| ${"d".repeat(3_000)} | replaced |`],
        },
        { title: "Findings", noun: "finding", rows: ["f"] },
      ],
      rest: "run the JSON.",
    };
    const text = fitMarkdown(doc, 2_000);
    expect(text.length).toBeLessThanOrEqual(2_000);
    expect(text).toMatch(/\n\| d{100,}…\n/);
  });
});

describe("cutRow: a row cut to fit never leaves its code span open", () => {
  /** Code spans still open at the end (CommonMark: a run of n backticks closes at the next run of n). */
  const openAtEnd = (text: string) => {
    let open = 0;
    for (let i = 0; i < text.length; ) {
      if (open === 0 && text[i] === "\\") {
        i += 2; // an escape outside a span
        continue;
      }
      const run = /^`+/.exec(text.slice(i))?.[0].length ?? 0;
      if (run === 0) {
        i++;
        continue;
      }
      if (open === 0) open = run;
      else if (run === open) open = 0;
      i += run;
    }
    return open;
  };

  it("closes a span cut in the middle, so what the user wrote after it is not read as Markdown", () => {
    const row = `| ${markdownCode(`${"x".repeat(50)} <sub>HTML</sub> ![px](https://e.example/x.png) @octocat`)} | next |`;
    const cut = cutRow(row, 40);
    expect(cut.length).toBeLessThanOrEqual(40);
    expect(cut).toBe(`| \`${"x".repeat(35)}\`…`);
    expect(openAtEnd(cut)).toBe(0);
  });

  it("drops a dangling escape or half an entity", () => {
    expect(cutRow("abc\\\\def", 5)).toBe("abc…");
    expect(cutRow("see &#8203;x", 9)).toBe("see …");
  });

  it("whatever the text and the length: within the length, no span left open", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom("`", "``", "\\", "|", "&#8203;", "&lt;", " "),
            fc.string({ maxLength: 8 }),
          ),
          {
            maxLength: 30,
          },
        ),
        fc.integer({ min: 1, max: 80 }),
        (parts, length) => {
          const row = `| ${markdownCode(parts.join(""))} | ${parts.join("")} |`;
          const cut = cutRow(row, length);
          expect(cut.length).toBeLessThanOrEqual(length);
          expect(openAtEnd(cut)).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
