/**
 * Staggering: every experiment of one component must run alone (two zones isolated at once is a
 * different, double failure, and clusters in different regions do not coordinate). Experiment i
 * of a component therefore starts `i × SLOT_MINUTES` after the component's schedule.
 */

/** Gap between the starts of a component's experiments: duration (5m) plus 10 minutes to recover. @default 15 */
export const SLOT_MINUTES = 15;

const DESCRIPTORS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

/**
 * The schedule shifted by `slot × SLOT_MINUTES` minutes, or undefined when the cron expression
 * cannot be shifted without changing its meaning (a minute field that is not one number, or a
 * shift past midnight of a day-bound schedule). Slot 0 returns the schedule unchanged.
 */
export function staggerSchedule(schedule: string, slot: number): string | undefined {
  if (slot === 0) return schedule;
  const cron = DESCRIPTORS[schedule.trim()] ?? schedule.trim();
  const fields = cron.split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [minute, hour, ...rest] = fields as [string, string, string, string, string];
  if (!/^\d+$/.test(minute)) return undefined;
  const total = Number(minute) + slot * SLOT_MINUTES;
  if (hour === "*") return total < 60 ? [String(total), hour, ...rest].join(" ") : undefined;
  if (!/^\d+$/.test(hour)) return undefined;
  const hours = Number(hour) + Math.floor(total / 60);
  if (hours > 23) return undefined;
  return [String(total % 60), String(hours), ...rest].join(" ");
}
