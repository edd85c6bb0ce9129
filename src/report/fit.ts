/**
 * Fits a Markdown document of sections into a character limit (GitHub rejects comments over 65,536
 * characters): sections are laid out in order of importance, rows are added while they fit, and
 * what did not fit is counted and said in one line at the end. One pass: linear in the rows.
 */

/** GitHub rejects issue and PR comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownSection {
  /** Heading text (no `#`), e.g. `Destructive changes (2)`. */
  readonly title: string;
  /** What one row is, for the cut note: `resource change`, `finding`. */
  readonly noun: string;
  /** Lines always shown before the rows when any row is (a table header). */
  readonly head?: readonly string[];
  readonly rows: readonly string[];
  /** Shown when there are no rows. @default "_none_" */
  readonly empty?: string;
  /** Collapsed in a `<details>` block (detail a reviewer opens on demand). @default false */
  readonly collapsed?: boolean;
  /** All rows or none, never clipped (a diagram: half a Mermaid block does not render). @default false */
  readonly whole?: boolean;
}

export interface MarkdownDocument {
  /** Verdict and summary lines, always shown. */
  readonly head: readonly string[];
  /** Most important first: when space runs out, the later sections lose rows first. */
  readonly sections: readonly MarkdownSection[];
  /** Where to find everything that was cut, e.g. "run `topoplan diff --format json`". */
  readonly rest: string;
}

/** No single row may take more than this, so one huge message cannot starve the rest. */
const MAX_ROW = 4_000;

/** The shortest part of a row worth showing cut (a path and the start of its message). */
const MIN_CUT_ROW = 120;

const clip = (row: string) => (row.length <= MAX_ROW ? row : cutRow(row, MAX_ROW));

/**
 * The start of a row, at most `length` characters with the "…" and what closes it: a row cut
 * inside a code span would leave the span open, and the rest of the comment (the user's text
 * inside it) to Markdown, links, HTML and mentions included. So a span left open is closed, and a
 * dangling backslash (it would escape what follows) or half an entity (`&#82`) is dropped.
 */
export function cutRow(row: string, length: number): string {
  let text = row.slice(0, Math.max(0, length - 1));
  for (;;) {
    const open = openFence(text);
    // A backtick before the closing fence would join its run (and not close it): a space between.
    const end = `${open === 0 ? "" : `${text.endsWith("`") ? " " : ""}${"`".repeat(open)}`}…`;
    const tidy = text
      .replace(/\\+$/, (run) => run.slice(0, run.length - (run.length % 2)))
      .replace(/&#?[A-Za-z0-9]*$/, "");
    if ((tidy === text && text.length + end.length <= length) || text === "") return text + end;
    // Tidying or the closing fence made it longer or shorter: cut once more, by what the fence needs.
    text = tidy === text ? text.slice(0, Math.max(0, length - end.length)) : tidy;
  }
}

/**
 * The length of the code span fence still open at the end of `text` (0: none). A run of backticks
 * opens a span that the next run of the same length closes (CommonMark, code spans); a backslash
 * escapes a backtick only outside a span.
 */
function openFence(text: string): number {
  let open = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\" && open === 0) {
      i++;
      continue;
    }
    if (c !== "`") continue;
    let run = 1;
    while (text[i + run] === "`") run++;
    if (open === 0) open = run;
    else if (run === open) open = 0;
    i += run - 1;
  }
  return open;
}
const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
/** What a line costs in the output: its characters and the line break. */
const cost = (line: string) => line.length + 1;

/** The closing line: what was cut, against which limit, and where the rest is. */
const cutNote = (limit: number, cut: readonly string[], rest: string) =>
  `> **Cut to fit ${limit === GITHUB_COMMENT_LIMIT ? "GitHub's " : "the "}${limit.toLocaleString("en-US")}-character comment limit:** ${cut.join(", ")}. ${rest}`;

/** The "N of M rows" a section adds to the cut note, at its longest (every row but one left out). */
const cutEntry = (section: MarkdownSection) =>
  `${section.rows.length} of ${plural(section.rows.length, section.noun)}`;

/** The lines a section adds when rows are left out, at their longest (`_… N rows more…_` or `_Left out…_`). */
const cutLines = (section: MarkdownSection) =>
  Math.max(
    cost("") + cost(`_… ${plural(section.rows.length, section.noun)} more, left out to fit the comment._`),
    cost(`### ${section.title}`) +
      cost("") +
      cost(`_Left out to fit the comment: ${plural(section.rows.length, section.noun)}._`) +
      cost(""),
  );

/**
 * Lays out the document under `limit` characters (UTF-16 code units, which count emoji as 2 and so
 * stay under GitHub's count). Sections keep their order; rows are taken in order until the budget
 * is spent, then each section says how many of its rows were left out, and a last line says what
 * was cut and where the rest is.
 */
export function fitMarkdown(doc: MarkdownDocument, limit = GITHUB_COMMENT_LIMIT): string {
  const out: string[] = [...doc.head, ""];
  let used = out.reduce((n, line) => n + cost(line), 0);
  // Room for what cutting may add, worked out from the sections themselves (not a fixed guess, which
  // under a small --max-chars left the most important table empty): the note at its longest, and
  // each section's own "left out" lines. The rows get the rest, so the output never passes `limit`.
  const withRows = doc.sections.filter((section) => section.rows.length > 0);
  const noteRoom = cost("") + cost(cutNote(limit, withRows.map(cutEntry), doc.rest));
  // Sections without rows are always shown: their lines are set aside too, and given back as each is laid out.
  const emptyLines = (section: MarkdownSection) =>
    (section.collapsed
      ? [`<details><summary>${section.title}</summary>`, "", section.empty ?? "_none_", "", "</details>", ""]
      : [`### ${section.title}`, "", section.empty ?? "_none_", ""]
    ).reduce((n, l) => n + cost(l), 0);
  let budget =
    limit -
    noteRoom -
    withRows.reduce((n, section) => n + cutLines(section), 0) -
    doc.sections.reduce((n, section) => n + (section.rows.length === 0 ? emptyLines(section) : 0), 0);
  const cut: string[] = [];
  let full = false;
  const push = (line: string) => {
    out.push(line);
    used += cost(line);
  };
  for (const section of doc.sections) {
    const open = section.collapsed
      ? [`<details><summary>${section.title}</summary>`, ""]
      : [`### ${section.title}`, ""];
    const close = section.collapsed ? ["", "</details>", ""] : [""];
    const fixed = [...open, ...(section.head ?? []), ...close].reduce((n, l) => n + cost(l), 0);
    if (section.rows.length === 0) {
      budget += emptyLines(section);
      for (const line of [...open, section.empty ?? "_none_", ...close]) push(line);
      continue;
    }
    const size = section.rows.reduce((n, r) => n + cost(r), 0);
    const wholeTooBig = section.whole === true && used + fixed + size > budget;
    if (full || used + fixed > budget || wholeTooBig) {
      if (!wholeTooBig) full = true; // a smaller section after a big diagram may still fit
      cut.push(plural(section.rows.length, section.noun));
      push(`### ${section.title}`);
      push("");
      push(`_Left out to fit the comment: ${plural(section.rows.length, section.noun)}._`);
      push("");
      continue;
    }
    for (const line of [...open, ...(section.head ?? [])]) push(line);
    const closing = close.reduce((n, l) => n + cost(l), 0);
    let shown = 0;
    for (const row of section.rows) {
      let line = section.whole ? row : clip(row);
      if (used + cost(line) + closing > budget) {
        // The section's first row, cut to the room left rather than left out, when a useful part
        // fits: a header-only table says less than the start of its most important row.
        const room = budget - used - closing - 1;
        if (shown > 0 || section.whole || room < MIN_CUT_ROW) {
          full = true;
          break;
        }
        line = cutRow(row, room);
      }
      push(line);
      shown++;
    }
    const left = section.rows.length - shown;
    if (left > 0) {
      cut.push(`${left} of ${plural(section.rows.length, section.noun)}`);
      push("");
      push(`_… ${plural(left, section.noun)} more, left out to fit the comment._`);
    }
    for (const line of close) push(line);
  }
  if (cut.length > 0) push(cutNote(limit, cut, doc.rest));
  return `${out.join("\n").trimEnd()}\n`;
}
