import { describe, expect, test } from "vitest";
import { ANNOTATIONS, compileChaos, staggerSchedule } from "../../../src/compile/chaos/index.js";
import { modelOf, SMALL, smallModel } from "../observability/fixture.js";

const withSchedule = (schedule: string) =>
  modelOf({
    ...SMALL,
    datastores: { accounts: { ...SMALL.datastores!.accounts!, chaos: { enabled: true, schedule } } },
    streams: {},
  });
type ScheduleSpec = {
  metadata: { name: string; annotations: Record<string, string> };
  spec: { schedule: string };
};
const compiled = (schedule: string) =>
  compileChaos(withSchedule(schedule), undefined, {
    regionCidrs: {
      "eu-central-1": ["10.2.0.0/16"],
      "eu-north-1": ["10.3.0.0/16"],
      "eu-west-1": ["10.1.0.0/16"],
    },
  }).map((r) => r.inputs as ScheduleSpec);
/** One Schedule per experiment: a zone's cut from the other regions (`-remote`) shares its slot. */
const specs = (schedule: string) => compiled(schedule).filter((s) => !s.metadata.name.endsWith("-remote"));

describe("schedules", () => {
  test("every schedule is read in UTC, so clusters set to different time zones keep the stagger", () => {
    // robfig/cron v3 (Chaos Mesh's StandardCronParser) reads a leading CRON_TZ=<zone>.
    expect(specs("@weekly").map((s) => s.spec.schedule)).toEqual([
      "CRON_TZ=UTC @weekly",
      "CRON_TZ=UTC 15 0 * * 0",
      "CRON_TZ=UTC 30 0 * * 0",
      "CRON_TZ=UTC 45 0 * * 0",
      "CRON_TZ=UTC 0 1 * * 0",
      "CRON_TZ=UTC 15 1 * * 0",
      "CRON_TZ=UTC 30 1 * * 0",
      "CRON_TZ=UTC 45 1 * * 0",
    ]);
    // Each zone's second half runs with it.
    const all = compiled("@weekly");
    for (const remote of all.filter((s) => s.metadata.name.endsWith("-remote")))
      expect(remote.spec.schedule).toBe(
        all.find((s) => s.metadata.name === remote.metadata.name.replace(/-remote$/, ""))!.spec.schedule,
      );
  });

  test("a shift past midnight moves to the next day where that keeps the meaning", () => {
    expect(staggerSchedule("50 23 * * *", 1)).toBe("5 0 * * *");
    expect(staggerSchedule("50 23 * * 6", 1)).toBe("5 0 * * 0");
    expect(staggerSchedule("50 23 * * 0", 2)).toBe("20 0 * * 1");
    expect(staggerSchedule("50 23 1 * *", 1)).toBeUndefined();
    expect(staggerSchedule("50 23 * * 1-5", 1)).toBeUndefined();
    expect(staggerSchedule("50 22 * * 1-5", 1)).toBe("5 23 * * 1-5");
    // A whole day of slots later, a daily schedule would run two experiments at once.
    expect(staggerSchedule("0 0 * * *", 95)).toBe("45 23 * * *");
    expect(staggerSchedule("0 0 * * *", 96)).toBeUndefined();
    expect(staggerSchedule("0 0 * * 0", 96 * 7)).toBeUndefined();
  });

  test("experiments that cannot be staggered are generated paused instead of running all at once", () => {
    const all = specs("*/30 * * * *");
    expect(all[0]!.metadata.annotations[ANNOTATIONS.pause]).toBeUndefined();
    for (const later of all.slice(1)) {
      expect(later.metadata.annotations[ANNOTATIONS.pause]).toBe("true");
      expect(later.metadata.annotations[ANNOTATIONS.note]).toContain(
        'paused: schedule "*/30 * * * *" cannot be staggered',
      );
    }
  });

  test("components on the same schedule take turns: their experiments never overlap either", () => {
    const plan = compileChaos(smallModel());
    const clicks = plan
      .filter((r) => r.component === "clicks")
      .map((r) => (r.inputs as { spec: { schedule: string } }).spec.schedule);
    // accounts (8 experiments) takes 00:00 to 01:45; the stream follows.
    expect(clicks).toEqual(["CRON_TZ=UTC 0 2 * * 0", "CRON_TZ=UTC 15 2 * * 0", "CRON_TZ=UTC 30 2 * * 0"]);
  });

  // @weekly and a daily midnight were counted apart and both started at 00:00 on Sundays (review).
  test("components on schedules written differently take turns too", () => {
    const model = modelOf({
      ...SMALL,
      streams: {
        clicks: { ...SMALL.streams!.clicks!, chaos: { enabled: true, schedule: "0 0 * * *" } },
      },
    });
    const clicks = compileChaos(model)
      .filter((r) => r.component === "clicks")
      .map((r) => (r.inputs as { spec: { schedule: string } }).spec.schedule);
    expect(clicks).toEqual(["CRON_TZ=UTC 0 2 * * *", "CRON_TZ=UTC 15 2 * * *", "CRON_TZ=UTC 30 2 * * *"]);
  });
});
