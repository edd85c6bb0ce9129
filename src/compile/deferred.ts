import type { PlannedResource, ResourceOptions } from "./plan.js";

/**
 * Planned resources whose inputs are built when first read, once (issue #15). `plan` shows
 * resource counts by region, type and protection and never reads inputs; `render`, `diff` and
 * the Pulumi adapter read every one. Building the 83,000 manifests of a 2,000-service topology
 * cost more than the whole `check` of it.
 *
 * A deferred resource is an ordinary object: `inputs` is an enumerable accessor, so spreading,
 * `JSON.stringify`, `structuredClone` and test equality read it like a data property. Passes over
 * the whole plan that need only a Kubernetes object's identity read {@link objectHeader}; passes
 * that change a resource use {@link mapInputs} and {@link withOptions}, which keep it deferred.
 */

type Inputs = Readonly<Record<string, unknown>>;

/** What a Kubernetes object is, known before its manifest is built. */
export interface ObjectHeader {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** A resource's fields other than its inputs. */
export type ResourceFields = Omit<PlannedResource, "inputs">;

// One accessor for every deferred resource: V8 shares the objects' hidden class.
const INPUTS: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: DeferredResource): Inputs {
    return DeferredResource.inputsOf(this);
  },
};

/**
 * The private fields hold how the inputs are made: copies, equality and JSON see only the
 * resource's fields and its inputs.
 */
class DeferredResource {
  #build: (() => unknown) | undefined;
  #value: Inputs | undefined;
  readonly #header: ObjectHeader | undefined;
  readonly #finish: Finish | undefined;

  constructor(
    fields: ResourceFields,
    build: () => unknown,
    header: ObjectHeader | undefined,
    finish: Finish | undefined,
  ) {
    const self = this as unknown as Record<string, unknown>;
    self.type = fields.type;
    self.name = fields.name;
    self.provider = fields.provider;
    self.region = fields.region;
    self.component = fields.component;
    Object.defineProperty(this, "inputs", INPUTS);
    if (fields.options !== undefined) self.options = fields.options;
    this.#build = build;
    this.#header = header;
    this.#finish = finish;
  }

  static inputsOf(resource: DeferredResource): Inputs {
    if (resource.#value === undefined) {
      resource.#value = DeferredResource.buildOnce(resource);
      resource.#build = undefined;
    }
    return resource.#value;
  }

  /** The inputs, built again and not kept: the resource stays unbuilt. */
  static buildOnce(resource: object, copy = true): Inputs {
    const deferred = resource as DeferredResource;
    const built = deferred.#build!();
    const finish = deferred.#finish;
    return finish === undefined ? (built as Inputs) : finish(built, deferred.#header, copy);
  }

  static isUnbuilt(resource: object): boolean {
    return #build in resource && (resource as DeferredResource).#build !== undefined;
  }

  static headerOf(resource: object): ObjectHeader | undefined {
    return #header in resource ? (resource as DeferredResource).#header : undefined;
  }

  static isDeferred(resource: object): resource is DeferredResource {
    return #build in resource;
  }
}

/**
 * What turns a built value into inputs (a check against the header and, when `copy`, a copy as
 * plain JSON data): one function for every resource of a kind, rather than a closure per resource.
 */
export type Finish = (built: unknown, header: ObjectHeader | undefined, copy: boolean) => Inputs;

/**
 * A resource whose inputs `build` makes on first read (it runs at most once), passed through
 * `finish` when given.
 */
export function deferredResource(
  fields: ResourceFields,
  build: () => unknown,
  header?: ObjectHeader,
  finish?: Finish,
): PlannedResource {
  return new DeferredResource(fields, build, header, finish) as unknown as PlannedResource;
}

/**
 * `resource`'s inputs, without keeping them when they were not built yet: for a pass that reads
 * each resource once (render writes a file and moves on), so the plan never holds every manifest.
 * `copy: false` skips making them plain JSON data (no `undefined`, nothing shared) when not kept:
 * for a reader to whom that makes no difference (the YAML emitter skips `undefined`s and writes
 * no anchors).
 */
export function readInputs(resource: PlannedResource, { copy = true } = {}): Inputs {
  return DeferredResource.isUnbuilt(resource) ? DeferredResource.buildOnce(resource, copy) : resource.inputs;
}

/** Whether `resource`'s inputs are still to be built (tests: the plan command builds none). */
export function isUnbuilt(resource: PlannedResource): boolean {
  return DeferredResource.isUnbuilt(resource);
}

/**
 * A Kubernetes object's apiVersion, kind, name and namespace, without building a deferred
 * manifest; undefined for other resources.
 */
export function objectHeader(resource: PlannedResource): ObjectHeader | undefined {
  if (resource.provider !== "kubernetes") return undefined;
  const header = DeferredResource.headerOf(resource);
  if (header !== undefined) return header;
  const manifest = resource.inputs as {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: unknown; namespace?: unknown };
  };
  if (typeof manifest.apiVersion !== "string" || typeof manifest.kind !== "string") return undefined;
  const { name, namespace } = manifest.metadata ?? {};
  return {
    apiVersion: manifest.apiVersion,
    kind: manifest.kind,
    name: typeof name === "string" ? name : "",
    ...(typeof namespace === "string" ? { namespace } : {}),
  };
}

const fieldsOf = ({ type, name, provider, region, component, options }: PlannedResource): ResourceFields => ({
  type,
  name,
  provider,
  region,
  component,
  ...(options === undefined ? {} : { options }),
});

/**
 * `resource` with its inputs changed by `change` (which must not mutate what it is given), built
 * when first read if the resource's are. `change` keeps a Kubernetes object's identity. The new
 * resource builds from the old one without making it keep its inputs (readInputs).
 */
export function mapInputs(resource: PlannedResource, change: (inputs: Inputs) => Inputs): PlannedResource {
  if (!DeferredResource.isDeferred(resource)) return { ...resource, inputs: change(resource.inputs) };
  return deferredResource(
    fieldsOf(resource),
    () => change(readInputs(resource)),
    DeferredResource.headerOf(resource),
  );
}

/** `resource` with other options; its inputs are not built (and keep their key, {@link withInputsKey}). */
export function withOptions(resource: PlannedResource, options: ResourceOptions): PlannedResource {
  if (!DeferredResource.isDeferred(resource)) return { ...resource, options };
  const changed = deferredResource(
    { ...fieldsOf(resource), options },
    () => readInputs(resource),
    DeferredResource.headerOf(resource),
  );
  const key = INPUTS_KEYS.get(resource);
  return key === undefined ? changed : withInputsKey(changed, key);
}

/** Per resource whose inputs a short text settles, how to make that text (withInputsKey). */
const INPUTS_KEYS = new WeakMap<PlannedResource, () => string>();

/**
 * `resource`, its inputs settled by `key`: two resources whose keys are equal have equal inputs,
 * so `diff` compares keys rather than building both (a region's dashboard text is a megabyte made
 * from a few hundred rows; its key names the rows, issue #15). Equal inputs under unequal keys is
 * allowed: the inputs are then built and compared.
 */
export function withInputsKey(resource: PlannedResource, key: () => string): PlannedResource {
  INPUTS_KEYS.set(resource, key);
  return resource;
}

/** Whether both resources have keys (withInputsKey) and the keys are equal: then so are their inputs. */
export function sameInputsKey(a: PlannedResource, b: PlannedResource): boolean {
  const first = INPUTS_KEYS.get(a);
  const second = INPUTS_KEYS.get(b);
  return first !== undefined && second !== undefined && first() === second();
}
