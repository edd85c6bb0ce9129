/**
 * topoplan's programmatic API (`import { runCheck } from "topoplan/api"`): run the pipeline from code.
 * The CLI and the Pulumi entry (`topoplan/pulumi`) are built on these same functions. The package
 * root (`"topoplan"`) holds only what a spec needs, so a TypeScript spec loads fast.
 */

export { RULES, ruleById } from "../policies/registry.js";
export { runPolicies } from "../policies/run.js";
export { analyse } from "./analysis/index.js";
export { buildCatalog } from "./catalog/catalog.js";
export { runCheck } from "./check.js";
export { compareDiagnostics, formatPath, InputError, parsePath } from "./diagnostics/diagnostic.js";
// defineTopology and every type of the package root.
export * from "./index.js";
export { resolveModel } from "./model/resolve.js";
export { type LoadedTopology, loadTopology, topologyFromData } from "./pipeline.js";
export { topologyJsonSchema } from "./spec/json-schema.js";
export { type LoadedSpec, loadSpec } from "./spec/load/index.js";
export { Topology as TopologySchema } from "./spec/schema/topology.js";
export { type ValidationResult, validateTopology } from "./spec/validate.js";
