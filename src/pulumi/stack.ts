import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import type { Analysis } from "../analysis/types.js";
import { runCheck } from "../check.js";
import { compilePlan } from "../compile/index.js";
import type { ResourcePlan } from "../compile/plan.js";
import { type Diagnostic, InputError, type Severity } from "../diagnostics/diagnostic.js";
import { formatDiagnostics } from "../diagnostics/format-text.js";
import { type LoadedTopology, loadTopology } from "../pipeline.js";
import { renderText } from "../report/text.js";
import type { CheckReport } from "../report/types.js";
import { instantiatePlan, preparePlan } from "./adapter.js";
import { createComponentTree } from "./components.js";
import { readStackSettings, type StackSettings } from "./config.js";
import { PlanError } from "./order.js";
import { type StackOutputs, stackOutputs } from "./outputs.js";
import { createProviders, type ProviderSettings } from "./providers.js";
import { compileOptionsOf } from "./settings.js";

/**
 * The Pulumi program, as functions: config → load → validate → check (error-level findings stop it
 * before anything is registered) → compile → providers → adapter → stack outputs. program.ts, the
 * entry Pulumi runs, only calls {@link buildProgram}; tests and benchmarks call these directly
 * under `pulumi.runtime.setMocks`.
 */

/** This repository's root: the base of its own program (src/pulumi/program.ts) and its stacks. */
export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The Pulumi project's directory (where Pulumi.yaml is), which is not the CWD when Pulumi.yaml
 * sets `main`; the CWD under mocks. Never the installed package's own directory.
 */
export function projectRoot(): string {
  // Outside a Pulumi run (mocks) the SDK answers a placeholder, "rootDirectory".
  const dir = pulumi.runtime.getRootDirectory();
  return isAbsolute(dir) ? dir : process.cwd();
}

export interface RunOptions {
  /** Base for the topology path and relative kubeconfig paths. @default projectRoot() */
  readonly root?: string;
  /** The spec, when the stack config names none (`topoplan:topology` wins). */
  readonly topology?: string;
  /** Stack name, for messages. @default pulumi.getStack() */
  readonly stack?: string;
  /** The pre-deployment check. @default runCheck (validation warnings, analysis, policies) */
  readonly check?: (loaded: LoadedTopology) => CheckReport;
  /** Model → plan. @default compilePlan from src/compile */
  readonly compile?: (
    loaded: LoadedTopology,
    report: CheckReport,
    settings: StackSettings,
  ) => ResourcePlan | Promise<ResourcePlan>;
}

/** The entry point's body: reads `topoplan:*` config and runs the program. */
export async function buildProgram(options: RunOptions = {}): Promise<StackOutputs> {
  return runProgram(
    atEdge(() => readStackSettings(undefined, options.topology)),
    options,
  );
}

/**
 * Runs the whole program for the given settings and returns the stack outputs. Input problems,
 * blocking findings and plan problems become `pulumi.RunError` (printed without a stack trace),
 * thrown before any resource or provider is registered.
 */
export async function runProgram(settings: StackSettings, options: RunOptions = {}): Promise<StackOutputs> {
  const root = options.root ?? projectRoot();
  const file = isAbsolute(settings.topology) ? settings.topology : resolve(root, settings.topology);
  const topoplanTopology = relative(root, file).split(sep).join("/");

  const loaded = await atEdgeAsync(() => loadTopology(file));
  const report: CheckReport = { ...(options.check ?? ((l) => runCheck(l)))(loaded), file: topoplanTopology };
  const blocking = blockingFindings(report.findings, settings.failOn);
  if (blocking.length > 0) {
    throw new pulumi.RunError(
      `topoplan: ${topoplanTopology} has ${blocking.length} finding${blocking.length === 1 ? "" : "s"} at or above ` +
        `failOn "${settings.failOn}"; nothing was registered.\n\n${renderText(report, { color: false })}`,
    );
  }
  for (const d of report.findings) {
    if (d.severity === "warning" || d.status === "unknown")
      pulumi.log.warn(`${d.code} ${d.path}: ${d.message}`);
  }

  const compile = options.compile ?? defaultCompile;
  const plan = await atEdgeAsync(async () => compile(loaded, report, settings));
  return atEdge(() =>
    deployPlan(plan, {
      clusters: settings.clusters,
      awsAccounts: settings.awsAccounts,
      root,
      stack: options.stack ?? pulumi.getStack(),
      topoplanTopology,
      check: {
        errors: report.summary.errors,
        warnings: report.summary.warnings,
        unknowns: report.summary.unknowns,
      },
    }),
  );
}

export interface DeploySettings extends ProviderSettings {
  /** For the `topoplanTopology` stack output. @default "" */
  readonly topoplanTopology?: string;
  readonly check?: StackOutputs["check"];
}

/**
 * Registers a ResourcePlan: checks it, creates the providers it needs, one resource per planned
 * resource, and returns the stack outputs. Throws {@link PlanError} (before registering anything)
 * on an unknown type token, a dangling ref, a cycle or missing cluster settings. This is the part
 * a benchmark runs under mocks for a given plan.
 */
export function deployPlan(plan: ResourcePlan, settings: DeploySettings): StackOutputs {
  const prepared = preparePlan(plan);
  const providers = createProviders(plan, settings);
  const tree = createComponentTree(plan);
  const created = instantiatePlan(prepared, providers, { parentOf: (r) => tree.parentOf(r.component) });
  const outputs = stackOutputs(plan, created, {
    topoplanTopology: settings.topoplanTopology ?? "",
    clusters: settings.clusters,
    ...(settings.check === undefined ? {} : { check: settings.check }),
  });
  for (const [component, node] of tree.nodes) {
    node.finish({ endpoints: component === "" ? {} : (outputs.endpoints[component] ?? {}) });
  }
  tree.root.finish({ ...outputs });
  return outputs;
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** Failing findings at or above `failOn`; `unknown` findings never block (they are warned about). */
export function blockingFindings(findings: readonly Diagnostic[], failOn: Severity): Diagnostic[] {
  return findings.filter(
    (d) => (d.status ?? "fail") === "fail" && SEVERITY_RANK[d.severity] <= SEVERITY_RANK[failOn],
  );
}

/**
 * compilePlan with the analysis the check already computed (runCheck puts it in the report) and the
 * stack's network settings: existing VPCs, alarm topics and region CIDRs.
 */
function defaultCompile(loaded: LoadedTopology, report: CheckReport, settings: StackSettings): ResourcePlan {
  return compilePlan(
    loaded.model,
    report.analysis as Analysis | undefined,
    compileOptionsOf(settings, pulumi.getStack()),
  );
}

/** Known input and plan errors → RunError with the message only (no stack trace). */
function toRunError(error: unknown): unknown {
  if (error instanceof InputError) {
    return new pulumi.RunError(
      `topoplan: invalid input\n${formatDiagnostics(error.diagnostics, { color: false })}`,
    );
  }
  if (error instanceof PlanError) return new pulumi.RunError(`topoplan: ${error.message}`);
  return error;
}

function atEdge<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw toRunError(error);
  }
}

async function atEdgeAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toRunError(error);
  }
}
