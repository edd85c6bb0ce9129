/**
 * Staggering: every experiment of a topology must run alone (two zones isolated at once is a
 * different, double failure, and clusters in different regions do not coordinate). Experiment i
 * of the topology (index.ts counts them over every component) therefore starts `i × SLOT_MINUTES`
 * after its component's schedule, and every
 * schedule is read in one time zone: each cluster's Chaos Mesh reads an unqualified cron line in
 * its controller's own zone (the Helm value `timezone`, set as TZ), so clusters installed with
 * different zones would run the "staggered" experiments of one component at once.
 */

/** Gap between the starts of a component's experiments: duration (5m) plus 10 minutes to recover. @default 15 */
export const SLOT_MINUTES = 15;

/** The time zone every compiled schedule is read in. @default "UTC" */
export const SCHEDULE_TIME_ZONE = "UTC";

const MINUTES_PER_DAY = 24 * 60;

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
 * The schedule pinned to SCHEDULE_TIME_ZONE. Chaos Mesh parses `spec.schedule` with robfig/cron v3
 * (api/v1alpha1/schedule_types.go `StandardCronParser`), whose `Parse` accepts a leading
 * `CRON_TZ=<zone>` (robfig/cron v3 parser.go, "Extract timezone if present").
 */
export function inScheduleTimeZone(schedule: string): string {
  return `CRON_TZ=${SCHEDULE_TIME_ZONE} ${schedule.trim()}`;
}

/**
 * The schedule shifted by `slot × SLOT_MINUTES` minutes, or undefined when the cron expression
 * cannot be shifted without changing its meaning: a minute field that is not one number, an hourly
 * schedule shifted past its hour, or a shift past midnight of a schedule bound to a day of the
 * month or to several days of the week. A shift past midnight of a daily schedule, or of one bound
 * to one day of the week, moves to the next day. Slot 0 returns the schedule unchanged.
 */
export function staggerSchedule(schedule: string, slot: number): string | undefined {
  if (slot === 0) return schedule;
  const cron = DESCRIPTORS[schedule.trim()] ?? schedule.trim();
  const fields = cron.split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  if (!/^\d+$/.test(minute)) return undefined;
  const total = Number(minute) + slot * SLOT_MINUTES;
  if (hour === "*") return total < 60 ? [String(total), hour, dom, month, dow].join(" ") : undefined;
  if (!/^\d+$/.test(hour)) return undefined;
  const hours = Number(hour) + Math.floor(total / 60);
  const days = Math.floor(hours / 24);
  const shifted = (weekday: string) =>
    [String(total % 60), String(hours % 24), dom, month, weekday].join(" ");
  if (days === 0) return shifted(dow);
  if (dom !== "*" || month !== "*") return undefined;
  // A shift of a whole period or more would land on another slot's run.
  const shift = slot * SLOT_MINUTES;
  if (dow === "*") return shift < MINUTES_PER_DAY ? shifted(dow) : undefined;
  // robfig/cron's day of the week is 0–6 (a 7 is refused by the spec checks: src/spec/semantic/names.ts).
  if (/^[0-6]$/.test(dow) && shift < 7 * MINUTES_PER_DAY) return shifted(String((Number(dow) + days) % 7));
  return undefined;
}
