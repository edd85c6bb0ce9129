import { buildCatalog } from "../catalog/catalog.js";
import { type Diagnostic, sortDiagnostics } from "../diagnostics/diagnostic.js";
import { validateWithJsonSchema } from "./ajv.js";
import { diagnosticsFromZod } from "./issues.js";
import { specFieldNames } from "./json-schema.js";
import { pulumiStackSettings } from "./not-a-topology.js";
import { Topology, type TopologyInput, withoutExtensions } from "./schema/topology.js";
import type { CheckContext, SemanticCheck } from "./semantic/context.js";
import { checkLatencyUnits, checkReplicaCounts } from "./semantic/counts.js";
import { checkDeployFits } from "./semantic/deploy.js";
import { duplicateCheck } from "./semantic/duplicates.js";
import { checkEndpointEnv } from "./semantic/endpoint-env.js";
import { checkEngineFits } from "./semantic/engine.js";
import { limitCheck } from "./semantic/limits.js";
import { controlCharacterCheck, nameCheck, reservedKeyCheck } from "./semantic/names.js";
import { checkServiceProtocol } from "./semantic/protocol.js";
import { checkQuantities, checkUserShares } from "./semantic/quantities.js";
import { checkComponentReferences, checkUniqueNames } from "./semantic/references.js";
import { checkAutoPlacement, checkRegionsExist, checkRttKnown, checkZones } from "./semantic/regions.js";
import { checkSpecNodes } from "./semantic/walk.js";

/** Checks beyond shape, in reading order. Each reports every problem it finds. */
const SEMANTIC_CHECKS: readonly SemanticCheck[] = [
  checkRegionsExist,
  checkZones,
  checkRttKnown,
  checkAutoPlacement,
  checkUniqueNames,
  checkComponentReferences,
  checkReplicaCounts,
  checkLatencyUnits,
  checkDeployFits,
  checkEngineFits,
  checkServiceProtocol,
  checkEndpointEnv,
  // Hardening (docs/limits.md): what reaches names, files and terminals; duplicates; work bounds.
  // One walk of the spec for the four that look at every node.
  (context) =>
    checkSpecNodes(context.topology, [
      controlCharacterCheck(context),
      nameCheck(context),
      duplicateCheck(context),
      limitCheck(context),
    ]),
  // Reserved keys as written: parsing drops a `__proto__` key (an env variable of that name
  // vanished without a word).
  (context) => checkSpecNodes(context.written, [reservedKeyCheck(context)]),
  checkQuantities,
  checkUserShares,
];

export type ValidationResult =
  | { readonly ok: true; readonly topology: Topology; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * Validates a spec: shape (zod; for YAML/JSON also the JSON Schema via ajv), then references,
 * arithmetic and units. Reports every problem in one run; errors sorted by path.
 */
export function validateTopology(spec: unknown, options: { jsonSchema?: boolean } = {}): ValidationResult {
  const data = withoutExtensions(spec);
  const stackSettings = pulumiStackSettings(data);
  if (stackSettings !== undefined) return { ok: false, diagnostics: [stackSettings] };
  const parsed = Topology.safeParse(data, { reportInput: true });
  // Gathered in an array literal, not pushed as arguments: a spec can make a million of them.
  const diagnostics: Diagnostic[] = [
    ...(parsed.success ? [] : diagnosticsFromZod(parsed.error, specFieldNames())),
    // The published JSON Schema (what editors check against) must agree; zod's messages are the
    // clearer ones, so ajv speaks only when zod found nothing.
    ...(options.jsonSchema && parsed.success ? validateWithJsonSchema(data) : []),
    ...(data !== null && typeof data === "object"
      ? semanticDiagnostics(parsed.success ? parsed.data : (data as TopologyInput), data as TopologyInput)
      : []),
  ];
  const unique = sortDiagnostics(dedupe(diagnostics));
  if (parsed.success && !unique.some((d) => d.severity === "error"))
    return { ok: true, topology: parsed.data, diagnostics: unique };
  return { ok: false, diagnostics: unique };
}

function semanticDiagnostics(topology: TopologyInput, written: TopologyInput): Diagnostic[] {
  const found: Diagnostic[] = [];
  const catalog = safely(() => buildCatalog(topology as Topology)) ?? buildCatalog();
  const context: CheckContext = {
    topology,
    written,
    catalog,
    report: (d) => found.push({ severity: "error", ...d }),
  };
  // On a partly invalid shape a check may trip over a malformed value that zod already reported.
  for (const check of SEMANTIC_CHECKS) safely(() => check(context));
  return found;
}

function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.path}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
