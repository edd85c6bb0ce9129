/** Terminal reports fit this many columns (README: "text fits 100 columns"). */
export const TEXT_WIDTH = 100;

/**
 * Word-wraps `text` to `width` columns: the first line after `first`, the others after `rest`
 * (a hanging indent). A word longer than a line is broken. Colour codes must not be in `text`.
 */
export function wrap(text: string, first: string, rest: string, width = TEXT_WIDTH): string {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    let w = word;
    const room = () => width - line.length - (empty ? 0 : 1);
    if (w.length > room() && !empty) {
      lines.push(line);
      line = rest;
      empty = true;
    }
    while (w.length > width - line.length) {
      const take = Math.max(1, width - line.length);
      lines.push(line + w.slice(0, take));
      w = w.slice(take);
      line = rest;
    }
    line += (empty ? "" : " ") + w;
    empty = false;
  }
  lines.push(line);
  return lines.join("\n");
}
