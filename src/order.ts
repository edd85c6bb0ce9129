/**
 * Text in code-unit order, the order `Array.prototype.sort` gives strings by default: the same on
 * every machine. `localeCompare` follows the locale of the process (LANG): Danish sorts "aa" after
 * "z", Czech "ch" after "h", Lithuanian "y" before "k", Estonian "z" before "t". Plans, reports and
 * tie-broken choices (the nearest of two equally distant regions, a leader among equals) would
 * then differ between a user's laptop and CI. Use this wherever an order can reach an output.
 */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
