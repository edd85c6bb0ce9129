/**
 * `topoplan/pulumi`: deploy a topology from your own Pulumi project. Your `index.ts`:
 *
 * ```ts
 * import { deploy } from "topoplan/pulumi";
 * export default () => deploy({ topology: "topology.ts" });
 * ```
 *
 * `deploy` reads the stack's `topoplan:*` config (clusters, AWS accounts, network, ...), loads
 * and checks the topology — a finding at or above `topoplan:failOn` stops it before any provider
 * or resource is registered — then registers one ComponentResource per topology component with
 * the compiled resources as its children, and returns the stack outputs. Steps: docs/deploy.md.
 */
import type { StackOutputs } from "./outputs.js";
import { buildProgram, type RunOptions } from "./stack.js";

export { COMPONENT_TYPES, SHARED_COMPONENT } from "./components.js";
export type { StackSettings } from "./config.js";
export type { StackOutputs } from "./outputs.js";
export type { AwsAccountSettings, ClusterSettings } from "./providers.js";
export { blockingFindings, type DeploySettings, deployPlan, type RunOptions, runProgram } from "./stack.js";

export interface DeployOptions {
  /**
   * The topology spec (.ts/.yaml/.json), relative to the Pulumi project's directory. The stack's
   * `topoplan:topology`, when set, wins (one program, a topology per stack).
   * @default "topology.ts"
   */
  readonly topology?: string;
  /** Base of relative paths. @default the Pulumi project's directory (where Pulumi.yaml is) */
  readonly root?: string;
}

/** Loads, checks, compiles and registers the topology; returns the stack outputs. */
export function deploy(options: DeployOptions = {}): Promise<StackOutputs> {
  const run: RunOptions = {
    topology: options.topology ?? "topology.ts",
    ...(options.root === undefined ? {} : { root: options.root }),
  };
  return buildProgram(run);
}
