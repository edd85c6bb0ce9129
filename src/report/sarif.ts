import { RULES } from "../../policies/registry.js";
import { type Rule, ruleHelpUri } from "../../policies/types.js";
import type { Diagnostic, Severity } from "../diagnostics/diagnostic.js";
import { markdownText, terminalSafe } from "./escape.js";
import { FINGERPRINT_KEY, findingFingerprints } from "./fingerprint.js";
import type { CheckReport } from "./types.js";

/**
 * SARIF 2.1.0 (OASIS) for code-scanning UIs such as GitHub's: one run, the rules from the registry
 * (shortDescription, help, helpUri), one result per finding located at the line of the spec file that
 * declares the path. Unknown findings are results of kind "open"; suppressed ones carry their reason.
 */
const LEVEL: Readonly<Record<Severity, "error" | "warning" | "note">> = {
  error: "error",
  warning: "warning",
  info: "note",
};

const INFORMATION_URI = "https://github.com/topoplan/topoplan";

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: "error" | "warning" | "note" };
}

/**
 * topoplan's own diagnostics that are not policy rules, by code family: what each family is about.
 * Anything else is a rule from a `--rules` module.
 */
const BUILT_IN: Readonly<Record<string, { short: string; full: string }>> = {
  spec: { short: "Spec problem", full: "A problem in the topology spec found during validation." },
  policy: {
    short: "Policy configuration problem",
    full: "A problem in --policy-config or a --rules module.",
  },
  cli: {
    short: "Command-line problem",
    full: "A problem with the command line, a path it names or the machine.",
  },
  config: { short: "Stack configuration problem", full: "A problem in the Pulumi stack configuration." },
  render: { short: "Render output problem", full: "A problem with the folder render writes to." },
  solve: { short: "Placement problem", full: "No placement meets the spec's constraints." },
  lab: { short: "Lab environment problem", full: "The lab cannot run on this machine." },
};

function ruleDescriptor(code: string, severity: Severity, theirs: readonly Rule[] = []): SarifRule {
  const own = RULES.find((r) => r.id === code);
  const user = own === undefined ? theirs.find((r) => r.id === code) : undefined;
  // A user's rule's text is shown as the findings are (control characters as \uXXXX: policies/run.ts).
  const rule = user === undefined ? own : userRuleText(user);
  const md = (text: string) => (user === undefined ? text : markdownText(text));
  if (rule === undefined) {
    const family = BUILT_IN[code.split("/")[0] ?? ""];
    return {
      id: code,
      name: code.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase()),
      shortDescription: { text: family ? `${family.short}: ${code}` : `Rule ${code}` },
      fullDescription: { text: family ? family.full : "A user-defined rule (a --rules module)." },
      help: { text: "See the finding's message and fix.", markdown: "See the finding's message and fix." },
      defaultConfiguration: { level: LEVEL[severity] },
    };
  }
  return {
    id: rule.id,
    name: rule.id.replace(/-(.)/g, (_, c: string) => c.toUpperCase()).replace(/^./, (c) => c.toUpperCase()),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.docs.why },
    help: {
      text: `${rule.docs.how}\n\nFix: ${rule.docs.fix}`,
      // A user's text is plain text in the Markdown too: no HTML, link or image of theirs renders.
      markdown: [
        `**Why:** ${md(rule.docs.why)}`,
        `**How it decides:** ${md(rule.docs.how)}`,
        `**Fix:** ${md(rule.docs.fix)}`,
      ].join("\n\n"),
    },
    // Built-in rules are documented in RULES.md; a user's rule has no page of ours.
    ...(user === undefined ? { helpUri: ruleHelpUri(rule.id) } : {}),
    defaultConfiguration: { level: LEVEL[rule.severity] },
  };
}

/**
 * A user's rule with its text as its findings show it; undefined when it lacks a title or any of
 * docs' why, how and fix (a JavaScript module is not type-checked): then the generic description.
 */
function userRuleText(rule: Rule): Rule | undefined {
  const docs = rule.docs as Partial<Rule["docs"]> | undefined;
  const { title } = rule as { title?: unknown };
  if (typeof title !== "string" || docs === undefined) return undefined;
  const { why, how, fix } = docs;
  if (typeof why !== "string" || typeof how !== "string" || typeof fix !== "string") return undefined;
  const shown = (text: string) => terminalSafe(text, false);
  return { ...rule, title: shown(title), docs: { why: shown(why), how: shown(how), fix: shown(fix) } };
}

/**
 * GitHub code scanning stores at most 5,000 results of a run and rejects a run of more than 25,000
 * (docs.github.com, "About code scanning limits on SARIF results": results per run, maximum 25,000,
 * only the top 5,000 included). A large topology has more findings than that (70,652 at 20,000
 * services): by default the run keeps the 5,000 that matter most and says how many it left out.
 */
export const GITHUB_SARIF_RESULTS = 5_000;

/** Errors first, then warnings, notes, the undecided, and suppressed findings last. */
function importance({ d, reason }: { d: Diagnostic; reason?: string }): number {
  if (reason !== undefined) return 4;
  if (d.status === "unknown") return 3;
  return d.severity === "error" ? 0 : d.severity === "warning" ? 1 : 2;
}

/** The `maxResults` most important findings, in their report order; `all` when they fit. */
function mostImportant<T extends { d: Diagnostic; reason?: string }>(
  all: readonly T[],
  maxResults: number,
): T[] {
  if (all.length <= maxResults) return [...all];
  const kept = new Set(
    all
      .map((entry, i) => ({ i, rank: importance(entry) }))
      .sort((a, b) => a.rank - b.rank || a.i - b.i)
      .slice(0, maxResults)
      .map(({ i }) => i),
  );
  return all.filter((_, i) => kept.has(i));
}

/**
 * A relative file path as a URI reference (SARIF 2.1.0 §3.4.3, RFC 3986 §4.2), segment by segment:
 * what a path segment may not hold raw (space, `#`, `?`, `%`, `|`, `<`, `:` that would read as a
 * scheme, non-ASCII) is percent-encoded as UTF-8; `/` (and a Windows `\`) separate segments.
 */
export function uriReference(path: string): string {
  return path
    .split(/[\\/]/)
    .map((segment) =>
      segment.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=@]/gu, (c) =>
        [...Buffer.from(c, "utf8")].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
      ),
    )
    .join("/");
}

export interface SarifOptions {
  /** The most results the run holds (GitHub stores 25,000). */
  readonly maxResults?: number;
  /**
   * A file path as given (relative to the working directory) written relative to `%SRCROOT%`, the
   * repository's root (src/cli/repository.ts); as given by default.
   */
  readonly fromRoot?: (file: string) => string;
  /** The users' rules that ran (--rules): described from their own docs, like the built-ins. */
  readonly userRules?: readonly Rule[];
}

export function renderSarif(
  report: CheckReport,
  { maxResults = GITHUB_SARIF_RESULTS, fromRoot = (file) => file, userRules = [] }: SarifOptions = {},
): string {
  const found: { d: Diagnostic; reason?: string }[] = [
    ...report.findings.map((d) => ({ d })),
    ...(report.suppressed ?? []).map(({ reason, ...d }) => ({ d, reason })),
  ];
  // Over every finding, before any is left out, so a result keeps its fingerprint whatever the cap.
  const prints = findingFingerprints(found.map((entry) => entry.d));
  const fingerprints = new Map(found.map((entry, i) => [entry, prints[i]!]));
  const all = mostImportant(found, maxResults);
  const leftOut = found.length - all.length;
  const rules: SarifRule[] = [];
  const index = new Map<string, number>();
  // Every built-in rule is listed, so the rule list is the same whatever fired; then any other codes.
  for (const rule of [...RULES, ...userRules]) {
    if (index.has(rule.id)) continue;
    index.set(rule.id, rules.length);
    rules.push(ruleDescriptor(rule.id, rule.severity, userRules));
  }
  for (const { d } of all) {
    if (index.has(d.code)) continue;
    index.set(d.code, rules.length);
    rules.push(ruleDescriptor(d.code, d.severity));
  }
  const uri = uriReference(fromRoot(report.file));
  const results = all.map((entry) => {
    const { d, reason } = entry;
    const unknown = d.status === "unknown";
    return {
      ruleId: d.code,
      ruleIndex: index.get(d.code)!,
      ...(unknown ? { kind: "open", level: "none" } : { kind: "fail", level: LEVEL[d.severity] }),
      message: {
        text: `${unknown ? "could not decide: " : ""}${d.message}${d.fix ? `\nFix: ${d.fix}` : ""}`,
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: {
              uri: d.location === undefined ? uri : uriReference(fromRoot(d.location.file)),
              uriBaseId: "%SRCROOT%",
            },
            region: { startLine: d.location?.line ?? 1, startColumn: d.location?.column ?? 1 },
          },
          logicalLocations: [{ fullyQualifiedName: d.path, kind: "member" }],
        },
      ],
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprints.get(entry)! },
      ...(reason === undefined
        ? {}
        : { suppressions: [{ kind: "external", state: "accepted", justification: reason }] }),
      properties: {
        path: d.path,
        severity: d.severity,
        status: d.status ?? "fail",
        ...(d.fix === undefined ? {} : { fix: d.fix }),
      },
    };
  });
  const sarif = {
    $schema: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "topoplan", informationUri: INFORMATION_URI, rules } },
        // The category GitHub keeps results under (it outranks upload-sarif's `category`): the
        // spec's path from the repository's root, so two projects (init names both topologies
        // my-topology) never replace each other's annotations.
        automationDetails: { id: `topoplan/check/${uri}/` },
        columnKind: "utf16CodeUnits",
        originalUriBaseIds: {
          "%SRCROOT%": {
            description: {
              text: "The repository root: the nearest folder holding .git at or above the working directory of topoplan check (that directory outside a repository).",
            },
          },
        },
        artifacts: [{ location: { uri, uriBaseId: "%SRCROOT%" } }],
        ...(leftOut === 0
          ? {}
          : {
              invocations: [
                {
                  executionSuccessful: true,
                  toolExecutionNotifications: [
                    {
                      descriptor: { id: "results-left-out" },
                      level: "warning",
                      message: {
                        text: `${leftOut} of ${found.length} findings left out to keep ${maxResults} results (errors first, then warnings, notes, undecided, suppressed): GitHub code scanning stores ${GITHUB_SARIF_RESULTS} results per run and rejects more than 25,000. topoplan check --format text lists them all; --max-results N changes the cap.`,
                      },
                    },
                  ],
                },
              ],
            }),
        results,
        properties: {
          topology: report.topology,
          summary: report.summary,
          ...(leftOut === 0 ? {} : { resultsLeftOut: leftOut }),
        },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
