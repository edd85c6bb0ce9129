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

const isDigit = (code: number) => code >= 48 && code <= 57;

/**
 * Text as people read a list of it: runs of digits compare as numbers (`calls[2]` before
 * `calls[10]`, `svc-9` before `svc-10`), everything else as {@link byText}; text equal that way
 * (`01` and `1`) falls back to {@link byText}, so the order stays total. For lists people read
 * (findings), not for identities (resource names keep {@link byText}).
 */
export function byReadingOrder(a: string, b: string): number {
  if (a === b) return 0;
  // Skip the common prefix (findings share long ones), back to the start of a digit run in it.
  let i = 0;
  const shorter = Math.min(a.length, b.length);
  while (i < shorter && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  while (i > 0 && isDigit(a.charCodeAt(i - 1))) i--;
  let j = i;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      // Compare the two numbers without parsing them: leading zeros off, then length, then digits.
      while (i < a.length - 1 && a.charCodeAt(i) === 48 && isDigit(a.charCodeAt(i + 1))) i++;
      while (j < b.length - 1 && b.charCodeAt(j) === 48 && isDigit(b.charCodeAt(j + 1))) j++;
      let endA = i;
      let endB = j;
      while (endA < a.length && isDigit(a.charCodeAt(endA))) endA++;
      while (endB < b.length && isDigit(b.charCodeAt(endB))) endB++;
      if (endA - i !== endB - j) return endA - i - (endB - j);
      for (; i < endA; i++, j++) {
        const d = a.charCodeAt(i) - b.charCodeAt(j);
        if (d !== 0) return d;
      }
      continue;
    }
    if (ca !== cb) return ca - cb;
    i++;
    j++;
  }
  return a.length - i - (b.length - j) || byText(a, b);
}
