import * as pulumi from "@pulumi/pulumi";
import type { ResourcePlan } from "../compile/plan.js";

/**
 * The resource tree (pulumi-awsx: components parent their children with `parent: this`):
 *
 *   topoplan:index:Topology <topology>
 *   ├── topoplan:index:Component <component>   one per datastore, service and stream
 *   │   └── every planned resource of that component, in every region
 *   └── topoplan:index:Shared shared            namespaces, VPCs, alarm topics, dashboards
 *
 * A child's URN carries its parents' types, so these type tokens and names are part of the
 * deployed state: changing one would make Pulumi replace every resource below it (and `protect`
 * would then stop the update). NEVER rename them. Providers stay at the stack's top level: they
 * outlive topologies and their names are fixed (src/pulumi/providers.ts).
 */
export const COMPONENT_TYPES = {
  topology: "topoplan:index:Topology",
  component: "topoplan:index:Component",
  shared: "topoplan:index:Shared",
} as const;

/** The name of the component that holds resources of no single topology component. */
export const SHARED_COMPONENT = "shared";

/** A node of the tree; its outputs are registered once every child exists. */
export class TopoplanComponent extends pulumi.ComponentResource {
  constructor(type: string, name: string, opts?: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
  }

  /** Registers the node's outputs (once, after its children). */
  finish(outputs: pulumi.Inputs): void {
    this.registerOutputs(outputs);
  }
}

export interface ComponentTree {
  readonly root: TopoplanComponent;
  /** The parent of each planned resource, by plan component ("" → the shared component). */
  readonly parentOf: (component: string) => TopoplanComponent;
  /** Every component node, by plan component name ("" for shared). */
  readonly nodes: ReadonlyMap<string, TopoplanComponent>;
}

/** Creates the root and one component per topology component the plan has resources for. */
export function createComponentTree(plan: ResourcePlan): ComponentTree {
  const root = new TopoplanComponent(COMPONENT_TYPES.topology, plan.topology);
  const nodes = new Map<string, TopoplanComponent>();
  const names = [...new Set(plan.resources.map((r) => r.component))].sort();
  for (const component of names) {
    nodes.set(
      component,
      component === ""
        ? new TopoplanComponent(COMPONENT_TYPES.shared, SHARED_COMPONENT, { parent: root })
        : new TopoplanComponent(COMPONENT_TYPES.component, component, { parent: root }),
    );
  }
  return { root, nodes, parentOf: (component) => nodes.get(component)! };
}
