import * as pulumi from "@pulumi/pulumi";

/**
 * Pulumi mocks that also record each registration's options. `MockResourceArgs` carries no
 * protect / retainOnDelete / dependsOn (pulumi/pulumi#14421), so the mock monitor's
 * `registerResource` is wrapped to read them from the gRPC request.
 */
export interface Registered {
  readonly type: string;
  readonly name: string;
  urn: string;
  readonly custom: boolean;
  /** Inputs as the program sent them (refs resolved, unknowns as Pulumi's sentinels). */
  readonly inputs: Record<string, unknown>;
  /** State the mock returned (inputs + computed outputs); filled when the mock answers. */
  state: Record<string, unknown>;
  /** `<provider URN>::<provider id>`, or "" for a default provider. */
  readonly provider: string;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  /** URNs of the resources this one depends on (dependsOn and refs). */
  readonly dependencies: readonly string[];
  /** URN of the parent ("" for the stack itself). */
  readonly parent: string;
}

export interface MockOptions {
  readonly stack?: string;
  readonly preview?: boolean;
  /** `topoplan:*` etc.; non-strings are JSON-encoded, as the CLI does for structured values. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Extra output properties per resource (computed outputs such as `arn`). */
  readonly outputs?: (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown>;
}

/** Computed outputs a real provider would return and refs commonly read. */
export function defaultOutputs(type: string, name: string): Record<string, unknown> {
  if (!type.startsWith("aws:")) return {};
  return { arn: `arn:mock:${type.split(":")[1]}:${name}`, endpoint: `${name}.mock.amazonaws.com` };
}

export async function installMocks(opts: MockOptions = {}): Promise<Registered[]> {
  const registered: Registered[] = [];
  const outputs = opts.outputs ?? defaultOutputs;
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => ({
        id: `${a.name}-id`,
        state: { ...a.inputs, ...outputs(a.type, a.name, a.inputs) },
      }),
      call: (a) => a.inputs,
    },
    "topoplan",
    opts.stack ?? "test",
    opts.preview ?? false,
  );
  pulumi.runtime.setAllConfig(
    Object.fromEntries(
      Object.entries(opts.config ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    ),
  );
  // biome-ignore lint/suspicious/noExplicitAny: the mock monitor and its gRPC request are untyped here.
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  monitor.registerResource = (req: any, cb: (err: unknown, resp: any) => void) => {
    const record: Registered = {
      type: req.getType(),
      name: req.getName(),
      urn: "",
      custom: req.getCustom(),
      inputs: req.getObject()?.toJavaScript() ?? {},
      state: {},
      provider: req.getProvider(),
      protect: req.getProtect() ?? false,
      retainOnDelete: req.getRetainondelete() ?? false,
      deleteBeforeReplace: req.getDeletebeforereplace() ?? false,
      dependencies: req.getDependenciesList(),
      parent: req.getParent(),
    };
    registered.push(record);
    return register(
      req,
      (err: unknown, resp: { getUrn(): string; getObject(): { toJavaScript(): unknown } }) => {
        if (resp) {
          record.urn = resp.getUrn();
          record.state = resp.getObject().toJavaScript() as Record<string, unknown>;
        }
        cb(err, resp);
      },
    );
  };
  return registered;
}

/** Waits for every pending registration (an @internal SDK export, stable since 3.x). */
export function settle(): Promise<void> {
  return (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

/**
 * Runs `fn` as the program of a stack, like the CLI: returns the resolved stack outputs. A failing
 * program is rethrown after everything settled (without leaving the SDK's stack promises rejected
 * and unhandled).
 */
export async function runStack(fn: () => Promise<unknown>): Promise<Record<string, unknown>> {
  let failure: { error: unknown } | undefined;
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    try {
      return await fn();
    } catch (error) {
      failure = { error };
      return {};
    }
  });
  await settle();
  if (failure !== undefined) throw failure.error;
  return (outputs ?? {}) as Record<string, unknown>;
}

/**
 * Runs a program expected to fail and returns its error, after every pending registration has
 * settled. Outside `runInPulumiStack` on purpose: a failing stack init rejects promises inside the
 * SDK that nobody awaits (the CLI reports those; vitest would flag them as unhandled).
 */
export async function failureOf(fn: () => unknown): Promise<Error> {
  let failure: unknown;
  try {
    await fn();
  } catch (error) {
    failure = error;
  }
  await settle();
  if (failure === undefined) throw new Error("expected the program to fail");
  return failure as Error;
}

/** Resources only (providers, the stack and topoplan's components are registered too). */
export function resourcesOf(registered: readonly Registered[]): Registered[] {
  return registered.filter((r) => r.custom && !r.type.startsWith("pulumi:"));
}

/** topoplan's ComponentResources (src/pulumi/components.ts). */
export function componentsOf(registered: readonly Registered[]): Registered[] {
  return registered.filter((r) => r.type.startsWith("topoplan:"));
}

/** Provider resources, by name. */
export function providersOf(registered: readonly Registered[]): Map<string, Registered> {
  return new Map(registered.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.name, r]));
}
