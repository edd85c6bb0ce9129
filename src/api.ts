/**
 * topoplan's programmatic API (`import { runCheck } from "topoplan/api"`): run the pipeline from code.
 * The CLI and the Pulumi entry (`topoplan/pulumi`) are built on these same functions. The package
 * root (`"topoplan"`) holds only what a spec needs, so a TypeScript spec loads fast.
 */

export { RULES, ruleById } from "../policies/registry.js";
export { type PolicyResult, type PolicyRunOptions, runPolicies } from "../policies/run.js";
export type {
  Finding,
  Rule,
  RuleDocs,
  RuleSetting,
  RuleSettings,
  SettingValue,
  SuppressedFinding,
} from "../policies/types.js";
export { analyse } from "./analysis/index.js";
export type * from "./analysis/types.js";
export { buildCatalog, type Catalog, type CatalogRegion } from "./catalog/catalog.js";
export { runCheck } from "./check.js";
export {
  compareDiagnostics,
  type Diagnostic,
  formatPath,
  InputError,
  parsePath,
  type Severity,
} from "./diagnostics/diagnostic.js";
export { resolveModel } from "./model/resolve.js";
export type * from "./model/types.js";
export { type LoadedTopology, loadTopology, topologyFromData } from "./pipeline.js";
export type { CheckReport } from "./report/types.js";
export { defineTopology } from "./spec/define.js";
export { topologyJsonSchema } from "./spec/json-schema.js";
export { type LoadedSpec, loadSpec } from "./spec/load/index.js";
export type { Datastore, Service, Stream, Topology, TopologyInput } from "./spec/schema/topology.js";
export { Topology as TopologySchema } from "./spec/schema/topology.js";
export { type ValidationResult, validateTopology } from "./spec/validate.js";
