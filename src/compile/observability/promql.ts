/**
 * PromQL building blocks: windows, burn-rate pairs, selectors and number formatting.
 * Every expression the observability target writes is assembled here, as a plain string.
 */

/** Every window a recording rule is kept for: the short and long windows of the burn-rate pairs. */
export const SLO_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const;
export type SloWindow = (typeof SLO_WINDOWS)[number];

/** Each window in seconds (CloudWatch alarms take their period in seconds: compile/aws/dynamodb.ts). */
export const SLO_WINDOW_SECONDS: Readonly<Record<SloWindow, number>> = {
  "5m": 300,
  "30m": 1_800,
  "1h": 3_600,
  "2h": 7_200,
  "6h": 21_600,
  "1d": 86_400,
  "3d": 259_200,
};

/**
 * One multiwindow burn-rate condition: the error ratio over both windows must exceed
 * `burnRate × (1 − availability)` (Google SRE Workbook ch. 5, table 5-8, as Sloth's google-30d).
 */
export interface BurnRatePair {
  readonly long: SloWindow;
  readonly short: SloWindow;
  readonly burnRate: number;
  /** Share of a 30-day error budget spent when the pair fires: burnRate × long / 30 d. */
  readonly budgetConsumed: number;
}

export interface BurnRateAlert {
  readonly severity: "page" | "ticket";
  /** Conditions OR-ed together. */
  readonly pairs: readonly BurnRatePair[];
}

/** Page: 2% of the budget in 1 h, 5% in 6 h. Ticket: 10% in 1 d and in 3 d. */
export const BURN_RATE_ALERTS: readonly BurnRateAlert[] = [
  {
    severity: "page",
    pairs: [
      { long: "1h", short: "5m", burnRate: 14.4, budgetConsumed: 0.02 },
      { long: "6h", short: "30m", burnRate: 6, budgetConsumed: 0.05 },
    ],
  },
  {
    severity: "ticket",
    pairs: [
      { long: "1d", short: "2h", burnRate: 3, budgetConsumed: 0.1 },
      { long: "3d", short: "6h", burnRate: 1, budgetConsumed: 0.1 },
    ],
  },
];

/** An alert's pairs for a reader: `1h/5m at 14.4x (2% of a 30-day budget) or …`. */
export function burnPairsText(alert: BurnRateAlert, times = "x"): string {
  return alert.pairs
    .map(
      (p) =>
        `${p.long}/${p.short} at ${num(p.burnRate)}${times} (${num(p.budgetConsumed * 100)}% of a 30-day budget)`,
    )
    .join(" or ");
}

/**
 * Low-traffic guard: a burn-rate condition only counts when the component served at least this
 * many requests per second over the pair's long window. Below it a handful of failures is a
 * huge error ratio (the Workbook's example: 1 failure in 10 requests/hour is a 1,000× burn at
 * 99.9%), so paging on it is noise. 1 req/s means ≥ 3,600 requests in the 1 h window, where a
 * page at 99.9% needs ≥ 52 failures.
 * @default 1
 */
export const DEFAULT_MIN_REQUESTS_PER_SECOND = 1;

/** Latency SLO alerts fire when p99 stays above the target this long. @default 10m */
export const LATENCY_ALERT_FOR = "10m";
/** Replication-lag alerts fire when lag stays above the SLO this long. @default 5m */
export const REPLICATION_LAG_ALERT_FOR = "5m";

/** Label that the ServiceMonitor relabelling puts on every series scraped from a component. */
export const COMPONENT_LABEL = "topoplan_component";

/** A number as PromQL and YAML read it back exactly: 1 − 0.999 → 0.001, not 0.0010000000000000009. */
export function num(value: number): string {
  let text = NUMBERS.get(value);
  if (text === undefined) {
    text = String(+value.toPrecision(12));
    // Few distinct values (burn rates, budgets, thresholds) recur in every component's rules.
    if (NUMBERS.size < 10_000) NUMBERS.set(value, text);
  }
  return text;
}

const NUMBERS = new Map<number, string>();

/** Error budget as a fraction: 1 − availability, rounded to 12 significant digits. */
export function errorBudget(availability: number): number {
  return +(1 - availability).toPrecision(12);
}

/** `{topoplan_component="api"}` plus extra matchers. */
export function selector(component: string, ...matchers: readonly string[]): string {
  const all = [`${COMPONENT_LABEL}="${component}"`, ...matchers.filter((m) => m.trim() !== "")];
  return `{${all.join(",")}}`;
}

/** Recording-rule names, Sloth-style: level:metric:operations. */
export const RECORD = {
  requestRate: (w: SloWindow) => `topoplan:requests:rate${w}`,
  errorRatio: (w: SloWindow) => `slo:sli_error:ratio_rate${w}`,
  avgLatency: "topoplan:request_duration_seconds:avg_rate5m",
  p99Latency: "topoplan:request_duration_seconds:p99_rate5m",
  replicationLag: "topoplan:replication_lag_seconds:max",
  consumerLag: "topoplan:consumer_lag_seconds:max",
} as const;

/** One burn-rate pair: both windows above the threshold, and enough traffic over the long one. */
export function burnRateCondition(
  component: string,
  pair: BurnRatePair,
  budget: number,
  minRequestsPerSecond: number,
): string {
  const sel = selector(component);
  const threshold = `(${num(pair.burnRate)} * ${num(budget)})`;
  return (
    `(${RECORD.errorRatio(pair.long)}${sel} > ${threshold}` +
    ` and ${RECORD.errorRatio(pair.short)}${sel} > ${threshold}` +
    ` and on() ${RECORD.requestRate(pair.long)}${sel} >= ${num(minRequestsPerSecond)})`
  );
}

export function burnRateExpression(
  component: string,
  alert: BurnRateAlert,
  budget: number,
  minRequestsPerSecond: number,
): string {
  return alert.pairs
    .map((pair) => burnRateCondition(component, pair, budget, minRequestsPerSecond))
    .join(" or ");
}
