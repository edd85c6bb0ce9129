import { describe, expect, it } from "vitest";
import {
  commentSafe,
  escapeMarkdown,
  markdownCode,
  markdownText,
  terminalSafe,
} from "../../src/report/escape.js";

describe("escaping at the edge", () => {
  it("terminal: only topoplan's own colours survive, other controls become visible", () => {
    expect(terminalSafe("a\u001b[2Jb\u001b[31mred\u001b[0m\r\n", true)).toBe(
      "a\\u001b[2Jb\u001b[31mred\u001b[0m\\u000d\n",
    );
    expect(terminalSafe("x\u001b[31my\u202ez\tw", false)).toBe("x\\u001b[31my\\u202ez\tw");
    // A tag character (two UTF-16 units) is shown whole.
    expect(terminalSafe("a\u{e0041}b\u00adc", false)).toBe("a\\u{e0041}b\\u00adc");
  });

  it("Markdown text: no HTML, link, image, emphasis or autolink", () => {
    expect(markdownText('<img src="x"> [a](https://e.example) ![i](j) *b* a|b')).toBe(
      '\\<img src="x"\\> \\[a\\](https\\://e.example) \\!\\[i\\](j) \\*b\\* a\\|b',
    );
    expect(markdownText("two\nlines")).toBe("two<br>lines");
  });

  it("Markdown: no @mention, team mention or issue reference; URLs stay text, in plain ASCII", () => {
    expect(escapeMarkdown("ok per @octocat and @acme/sre, see #123 & https://e.example")).toBe(
      "ok per @&#8203;octocat and @&#8203;acme/sre, see #&#8203;123 &amp; https:/&#8203;/e.example",
    );
    expect(markdownText("ask @octocat (#7)")).toBe("ask @&#8203;octocat (\\#&#8203;7)");
    // A bare www. address is a link to GitHub too (review of c31e327: a --rules rule's help).
    expect(markdownText("see www.evil.example, #8")).toBe("see www&#8203;.evil.example, \\#&#8203;8");
    // Nothing here is a control character a terminal or an --output file would make visible.
    expect(terminalSafe(escapeMarkdown("www.e.example @a"), false)).toBe("www&#8203;.e.example @&#8203;a");
  });

  it("Markdown code spans: backticks and pipes cannot break out", () => {
    expect(markdownCode("services.api")).toBe("`services.api`");
    expect(markdownCode("a`b|c")).toBe("``a`b\\|c``");
    // GFM splits table rows taking backslashes in pairs: a pipe needs an odd run before it, or the
    // cell ends inside the span and the rest of the row is read as Markdown.
    expect(markdownCode("a\\|b")).toBe("`a\\\\\\|b`");
    expect(markdownCode("a\\\\|b")).toBe("`a\\\\\\|b`");
    for (const text of ["\\|", "\\\\|", "x\\\\\\|y|z"])
      for (const run of markdownCode(text).match(/\\*\|/g) ?? []) expect((run.length - 1) % 2).toBe(1);
    expect(markdownCode("x\ny")).toBe("`x y`");
  });

  it("comments: one line whatever the text holds", () => {
    expect(commentSafe("x\n---\nkind: ClusterRoleBinding\r")).toBe(
      "x\\u000a---\\u000akind: ClusterRoleBinding\\u000d",
    );
  });
});
