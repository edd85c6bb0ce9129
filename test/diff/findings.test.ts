import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { compareFindings, findingPlaces } from "../../src/diff/findings.js";
import { modelOf } from "../policies/harness.js";

const coverage = (slo: string): Diagnostic => ({
  code: "observability-coverage",
  severity: "warning",
  path: "datastores.edge-kv.slo",
  message: `datastores.edge-kv SLO ${slo} has no alert: no known metrics`,
});
const latency = (ms: string, region: string): Diagnostic => ({
  code: "latency-slo",
  severity: "error",
  path: "datastores.edge-kv.slo.writeP99Ms",
  message: `write p99 ${ms} ms from ${region} exceeds the SLO 5 ms`,
});

describe("compareFindings", () => {
  it("one of several findings of a rule at one path goes: it is fixed", () => {
    // The edge-cache stack has three observability-coverage findings at datastores.edge-kv.slo.
    const before = [coverage("availability"), coverage("readP99Ms/writeP99Ms"), coverage("replicationLagMs")];
    const after = [coverage("availability"), coverage("readP99Ms/writeP99Ms")];
    expect(compareFindings(before, after)).toEqual({
      introduced: [],
      fixed: [coverage("replicationLagMs")],
      removed: [],
      silenced: [],
      standingErrors: [],
    });
    expect(compareFindings(after, before)).toEqual({
      introduced: [coverage("replicationLagMs")],
      fixed: [],
      removed: [],
      silenced: [],
      standingErrors: [],
    });
  });

  it("a finding whose figures or wording moved is neither new nor fixed", () => {
    expect(compareFindings([latency("12.17", "tokyo-dc1")], [latency("9.8", "ap-northeast-1")])).toEqual({
      introduced: [],
      fixed: [],
      removed: [],
      silenced: [],
      // Still an error, as before: what keeps `check` failing.
      standingErrors: [latency("9.8", "ap-northeast-1")],
    });
  });

  it("one finding replacing another of its rule and path pairs with it, the rest are new", () => {
    const before = [latency("12", "a"), coverage("availability")];
    const after = [latency("13", "b"), latency("14", "c"), coverage("availability")];
    expect(compareFindings(before, after)).toEqual({
      introduced: [latency("14", "c")],
      fixed: [],
      removed: [],
      silenced: [],
      standingErrors: [latency("13", "b")],
    });
  });

  it("a warning the change raises to an error is a new error, not one from before (and its old self is not fixed)", () => {
    const warning = { ...coverage("availability") };
    const error = { ...coverage("availability"), severity: "error" as const };
    expect(compareFindings([warning], [error])).toEqual({
      introduced: [error],
      fixed: [],
      removed: [],
      silenced: [],
      standingErrors: [],
    });
  });

  it("a finding the new version suppresses, or whose rule the change disables, is silenced, not fixed", () => {
    const before = [latency("12", "a"), coverage("availability")];
    const suppressedNow = { suppressed: [latency("12", "a")], disabled: new Set<string>() };
    expect(compareFindings(before, [coverage("availability")], new Set(), suppressedNow)).toEqual({
      introduced: [],
      fixed: [],
      removed: [],
      silenced: [latency("12", "a")],
      standingErrors: [],
    });
    const disabledNow = { suppressed: [], disabled: new Set(["observability-coverage"]) };
    expect(compareFindings(before, [latency("12", "a")], new Set(), disabledNow)).toMatchObject({
      fixed: [],
      silenced: [coverage("availability")],
    });
  });
});

describe("compareFindings across a removed call", () => {
  const withCalls = (calls: { to: string; op: "read" | "write" }[]) =>
    modelOf({
      name: "shop",
      users: { "eu-west-1": 1 },
      datastores: {
        x: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } },
        y: { replication: "consensus", replicas: 3, placement: { "eu-west-1": 3 } },
      },
      services: { api: { regions: ["eu-west-1"], calls: calls.map((c) => ({ ...c, timeoutMs: 100 })) } },
    });
  const finding = (at: number, message: string): Diagnostic => ({
    code: "timeout-budget",
    severity: "warning",
    path: `services.api.calls[${at}].timeoutMs`,
    message,
  });
  const givesUp = (at: number) => finding(at, "timeout 40 ms gives up before the callee answers");
  const retries = (at: number) => finding(at, "5 retries but no attempt timeout");

  it("pairs a call's findings by callee and op, not by index: what stays is not fixed", () => {
    const before = withCalls([
      { to: "x", op: "read" },
      { to: "y", op: "write" },
    ]);
    const after = withCalls([{ to: "y", op: "write" }]);
    const places = { before: findingPlaces(before), after: findingPlaces(after) };
    const delta = compareFindings([givesUp(0), retries(1)], [retries(0)], new Set(), undefined, places);
    expect(delta.fixed).toEqual([givesUp(0)]);
    expect(delta.introduced).toEqual([]);
    // By index alone, the remaining finding paired with the removed call's and read as fixed.
    expect(compareFindings([givesUp(0), retries(1)], [retries(0)]).fixed).toEqual([retries(1)]);
  });
});
