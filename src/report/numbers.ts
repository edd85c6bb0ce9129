/**
 * Numbers for people and for machines. People get rounded figures; JSON gets stable ones: every
 * non-integer is cut to 10 significant digits, so float noise (81.30000000000001) never shows and
 * the same input gives byte-identical output, while availabilities keep their nines.
 */
export function stableNumber(x: number): number {
  return Number.isInteger(x) || !Number.isFinite(x) ? x : Number(x.toPrecision(10));
}

/**
 * `x` cut (not rounded) to `digits` decimals, like `toFixed`: an availability shown rounded up
 * could read as meeting an SLO it misses (0.999897 is 99.989%, never 99.99%). Cut from a rendering
 * 6 digits longer, so float noise (2.9999999999999996 nines for 0.999) does not lose a digit.
 */
export function truncated(x: number, digits: number): string {
  const text = x.toFixed(digits + 6);
  return text.slice(0, text.length - 6 - (digits === 0 ? 1 : 0));
}

/**
 * 0.9995 → `99.95%`; enough digits to tell SLO targets apart (at most 4 decimals), cut rather than
 * rounded so a predicted figure below its target never prints as the target itself. The findings
 * and the PR comment's SLO table print availabilities with it alike.
 */
export function percent(fraction: number): string {
  return `${+truncated(fraction * 100, 4)}%`;
}

/** A non-negative `x` rounded up at `digits` decimals, like `toFixed` (the same 6 guard digits). */
export function roundedUp(x: number, digits: number): string {
  const cut = truncated(x, digits);
  const rest = x.toFixed(digits + 6).slice(-6);
  return /[1-9]/.test(rest) ? (Number(cut) + 10 ** -digits).toFixed(digits) : cut;
}

/** JSON.stringify with {@link stableNumber} applied to every number, two-space indent, final newline. */
export function stableJsonText(value: unknown): string {
  return `${JSON.stringify(value, (_key, v: unknown) => (typeof v === "number" ? stableNumber(v) : v), 2)}\n`;
}

// One formatter per digit range, made once: `toLocaleString` with options builds a new one per call
// (about 50 µs against 1 µs; the plan's cost tables format thousands of figures, issue #15).
const formatters = new Map<string, Intl.NumberFormat>();

/** `x` with en-US thousands separators and between `minDigits` and `maxDigits` fraction digits. */
export function grouped(x: number, minDigits: number, maxDigits = minDigits): string {
  const key = `${minDigits},${maxDigits}`;
  let format = formatters.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat("en-US", {
      minimumFractionDigits: minDigits,
      maximumFractionDigits: maxDigits,
    });
    formatters.set(key, format);
  }
  return format.format(x);
}

/** $1,184 for a bill; cents only under $100. */
export function usd(x: number): string {
  const abs = Math.abs(x);
  const digits = abs < 100 && abs !== Math.round(abs) ? 2 : 0;
  const text = grouped(abs, digits);
  return `${x < 0 ? "−" : ""}$${text}`;
}

/** A signed difference: +$9,688, −$12, ±$0. */
export function usdDelta(x: number): string {
  if (Math.abs(x) < 0.005) return "±$0";
  return x > 0 ? `+${usd(x)}` : usd(x);
}

/** `1 replica`, `3 replicas`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}
