import { callCycleGroups } from "../lib.js";
import type { Finding, Rule } from "../types.js";

/**
 * Cycles reported at most: elementary cycles can be exponentially many (a dense group of services
 * calling each other), and past this many the spec's call graph, not the list, is the problem.
 */
const MAX_CYCLES = 100;

/** Service calls must form a DAG: a cycle lets one request circulate until deadlines fire. */
export const callCycle: Rule = {
  id: "call-cycle",
  title: "Service calls form no cycle",
  severity: "error",
  docs: {
    why: "In a call cycle one request can circle until every deadline expires; with retries each lap multiplies the load, and no service in the cycle can be started or drained first.",
    how: "Finds every elementary cycle in the graph of service-to-service calls, within each group of services that call one another (strongly connected); each is reported once, starting from its alphabetically first service, and past 100 one more finding says there are more (the search stops there).",
    fix: "Break the cycle: have one side publish an event to a stream instead of calling back, or merge the services.",
  },
  check(model) {
    const services = new Map(model.services.map((s) => [s.name, s]));
    // A cycle stays within one group of services that call one another: nothing else is walked.
    const groups = callCycleGroups(model);
    const seen = new Set<string>();
    const findings: Finding[] = [];
    let truncated = false;
    const visit = (start: string, at: string, path: string[]) => {
      const service = services.get(at);
      if (service === undefined) return;
      service.calls.forEach((call) => {
        if (!services.has(call.to) || truncated) return;
        if (call.to === start) {
          const cycle = [...path];
          const key = cycle.join(">");
          if (seen.has(key)) return; // a second call to the same callee finds the same cycle
          if (findings.length === MAX_CYCLES) {
            truncated = true;
            return;
          }
          seen.add(key);
          const first = services.get(cycle[0]!)!;
          const index = first.calls.findIndex((c) => c.to === (cycle[1] ?? cycle[0]));
          findings.push({
            path: `${first.path}.calls[${index}]`,
            message: `call cycle ${[...cycle, start].join(" → ")}: a request can circle until its deadline, and retries multiply on every lap`,
            fix: `break the cycle: let ${cycle[cycle.length - 1]} publish to a stream instead of calling ${start}, or merge the services`,
            data: { cycle },
          });
          return;
        }
        // Only visit services after the start in name order, so each cycle is found from its smallest member.
        if (call.to < start || path.includes(call.to) || groups.get(call.to) !== groups.get(start)) return;
        visit(start, call.to, [...path, call.to]);
      });
    };
    for (const name of [...services.keys()].sort()) if (groups.has(name)) visit(name, name, [name]);
    if (truncated) {
      const first = findings[findings.length - 1]!;
      findings.push({
        path: first.path,
        message: `more than ${MAX_CYCLES} call cycles: the services of each group listed above call one another in many more cycles than are listed`,
        fix: "break the cycles: have services publish events to a stream instead of calling back, or merge the services",
        data: { listed: MAX_CYCLES },
      });
    }
    return findings;
  },
};
