import { writeFileSync } from "node:fs";
import { kubernetesPlan } from "../plans.js";
import { num, type Subject, str } from "./types.js";

/**
 * Not measured: builds the plan the render and Pulumi subjects read, once per run, in its own
 * process (so compiling 20,000 objects does not inflate any measured process).
 */
export const preparePlan: Subject = async (params) => {
  const count = num(params, "count");
  const {
    source,
    plan: chosen,
    spec,
  } = await kubernetesPlan(count, num(params, "seed", 7), params.closed === true);
  writeFileSync(str(params, "out"), JSON.stringify({ source, plan: chosen, spec }));
  return { wallMs: 0, cpuMs: 0, info: { source, resources: chosen.resources.length } };
};
