import { describe, expect, it } from "vitest";
import { commentSafe, markdownCode, markdownText, terminalSafe } from "../../src/report/escape.js";

describe("escaping at the edge", () => {
  it("terminal: only topoplan's own colours survive, other controls become visible", () => {
    expect(terminalSafe("a\u001b[2Jb\u001b[31mred\u001b[0m\r\n", true)).toBe(
      "a\\u001b[2Jb\u001b[31mred\u001b[0m\\u000d\n",
    );
    expect(terminalSafe("x\u001b[31my\u202ez\tw", false)).toBe("x\\u001b[31my\\u202ez\tw");
  });

  it("Markdown text: no HTML, link, image, emphasis or autolink", () => {
    expect(markdownText('<img src="x"> [a](https://e.example) ![i](j) *b* a|b')).toBe(
      '\\<img src="x"\\> \\[a\\](https\\://e.example) \\!\\[i\\](j) \\*b\\* a\\|b',
    );
    expect(markdownText("two\nlines")).toBe("two<br>lines");
  });

  it("Markdown code spans: backticks and pipes cannot break out", () => {
    expect(markdownCode("services.api")).toBe("`services.api`");
    expect(markdownCode("a`b|c")).toBe("``a`b\\|c``");
    expect(markdownCode("x\ny")).toBe("`x y`");
  });

  it("comments: one line whatever the text holds", () => {
    expect(commentSafe("x\n---\nkind: ClusterRoleBinding\r")).toBe(
      "x\\u000a---\\u000akind: ClusterRoleBinding\\u000d",
    );
  });
});
