import type { Finding, Rule } from "../types.js";

/** Service calls must form a DAG: a cycle lets one request circulate until deadlines fire. */
export const callCycle: Rule = {
  id: "call-cycle",
  title: "Service calls form no cycle",
  severity: "error",
  docs: {
    why: "In a call cycle one request can circle until every deadline expires; with retries each lap multiplies the load, and no service in the cycle can be started or drained first.",
    how: "Finds every elementary cycle in the graph of service-to-service calls; each is reported once, starting from its alphabetically first service.",
    fix: "Break the cycle: have one side publish an event to a stream instead of calling back, or merge the services.",
  },
  check(model) {
    const services = new Map(model.services.map((s) => [s.name, s]));
    const seen = new Set<string>();
    const findings: Finding[] = [];
    const visit = (start: string, at: string, path: string[]) => {
      const service = services.get(at);
      if (service === undefined) return;
      service.calls.forEach((call) => {
        if (!services.has(call.to)) return;
        if (call.to === start) {
          const cycle = [...path];
          const key = cycle.join(">");
          if (seen.has(key)) return;
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
        if (call.to < start || path.includes(call.to)) return;
        visit(start, call.to, [...path, call.to]);
      });
    };
    for (const name of [...services.keys()].sort()) visit(name, name, [name]);
    return findings;
  },
};
