/** Line and column (1-based) where a text continues after `before`, its prefix: for error locations. */
export function positionAfter(before: string): { line: number; column: number } {
  return { line: before.split("\n").length, column: before.length - before.lastIndexOf("\n") };
}
