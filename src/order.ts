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

/**
 * A key whose code-unit order is the reading order of the text: each run of digits becomes "0",
 * a character for its length (leading zeros off) and the digits, so numbers compare by length,
 * then digit by digit, and a number meets a non-digit where its first digit would. The length
 * character stays below U+0100 (a one-byte string compares several times faster): runs longer
 * than 190 digits count as 190 long, which no path holds; the order stays total either way.
 */
export function readingKey(text: string): string {
  return text.replace(/\d+/g, (run) => {
    const digits = run.replace(/^0+(?=\d)/, "");
    return `0${String.fromCharCode(0x41 + Math.min(digits.length, 190))}${digits}`;
  });
}

/**
 * Text as people read a list of it: runs of digits compare as numbers (`calls[2]` before
 * `calls[10]`, `svc-9` before `svc-10`), everything else as {@link byText}; text equal that way
 * (`01` and `1`) falls back to {@link byText}, so the order stays total. For lists people read
 * (findings), not for identities (resource names keep {@link byText}). Sorting many: make each
 * {@link readingKey} once.
 */
export function byReadingOrder(a: string, b: string): number {
  return byText(readingKey(a), readingKey(b)) || byText(a, b);
}

/**
 * An object's own enumerable keys in code-unit order (what `sort()` gives strings): an insertion
 * sort, since manifests and cloud arguments have a handful of keys per object and the builtin
 * `sort()` allocates a work array on every call (a tenth of a render's allocations went there,
 * issue #15); `sort()` beyond that (quadratic otherwise).
 */
const INSERTION_SORT_MAX = 16;
export function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  if (keys.length > INSERTION_SORT_MAX) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > key; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = key;
  }
  return keys;
}
