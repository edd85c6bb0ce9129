/**
 * The package root, `import { defineTopology } from "topoplan"`: what a topology spec or a rule
 * file needs, and nothing else. Types are erased at run time, so importing this module loads one
 * small file: no zod, no YAML, no Pulumi, no TypeScript compiler (a TS spec is loaded on every
 * `topoplan check`; bench/ measures the cold start). The pipeline is in `topoplan/api`, the Pulumi
 * entry in `topoplan/pulumi`.
 */

export type { PolicyResult, PolicyRunOptions } from "../policies/run.js";
export type {
  Finding,
  Rule,
  RuleDocs,
  RuleSetting,
  RuleSettings,
  SettingValue,
  SuppressedFinding,
} from "../policies/types.js";
export type * from "./analysis/types.js";
export type { Catalog, CatalogRegion } from "./catalog/catalog.js";
export type { Diagnostic, Severity } from "./diagnostics/diagnostic.js";
export type * from "./model/types.js";
export type { CheckReport } from "./report/types.js";
export { defineTopology } from "./spec/define.js";
export type { Datastore, Service, Stream, Topology, TopologyInput } from "./spec/schema/topology.js";
