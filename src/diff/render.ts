import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { paint, type TextStyle } from "../diagnostics/format-text.js";
import { escapeMarkdown, markdownCode, oneLine } from "../report/escape.js";
import { fitMarkdown, GITHUB_COMMENT_LIMIT, type MarkdownSection } from "../report/fit.js";
import { jsonFinding } from "../report/json.js";
import { plural, stableJsonText, usd, usdDelta } from "../report/numbers.js";
import { TEXT_WIDTH, wrap } from "../report/wrap.js";
import { type ComponentChange, describeField, type TopologyDiff } from "./index.js";
import { type InputChange, type ResourceAction, type ResourceChange, showInput } from "./resources.js";
import type { SloDelta } from "./slo.js";

/** Resources listed in text before "… and N more" (JSON has them all). */
export const TEXT_RESOURCE_LIMIT = 100;
/** Input changes shown per resource in text and Markdown. */
export const INPUTS_PER_RESOURCE = 8;

const SIGN: Readonly<Record<ResourceAction, string>> = {
  create: "+",
  update: "~",
  replace: "-/+",
  delete: "-",
};

/** Counts per action, `pulumi preview` style: `2 to create, 1 to replace`. */
export function resourceSummary(resources: readonly ResourceChange[]): string {
  const count = (a: ResourceAction) => resources.filter((r) => r.action === a).length;
  const parts = (["create", "update", "replace", "delete"] as const)
    .map((a) => [a, count(a)] as const)
    .filter(([, n]) => n > 0)
    .map(([a, n]) => `${n} to ${a}`);
  return parts.length === 0 ? "no resource changes" : parts.join(", ");
}

/** Blocking: destructive changes (data loss, replaced or deleted protected resources). */
export const blocks = (diff: TopologyDiff) => diff.destructive.length > 0;

/**
 * Before and after of one input, each at most `max` characters: long values (a dashboard's JSON,
 * a rule list) are shown around the first place they differ, so the two excerpts show the change.
 */
export function contrast(from: unknown, to: unknown, max = 60): [string, string] {
  const a = oneLine(showInput(from));
  const b = oneLine(showInput(to));
  if (a.length <= max && b.length <= max) return [a, b];
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const start = Math.max(0, i - Math.floor(max / 3));
  const cut = (text: string) => {
    const piece = text.slice(start, start + max - 2);
    return `${start > 0 ? "…" : ""}${piece}${start + max - 2 < text.length ? "…" : ""}`;
  };
  return [from === undefined ? a : cut(a), to === undefined ? b : cut(b)];
}

/** An SLO's target: one figure when it stays, `before → after` when the change moves it. */
const sloTarget = ({ target }: SloDelta) =>
  target.before === target.after ? (target.after ?? "—") : `${target.before ?? "—"} → ${target.after ?? "—"}`;

const inputLine = (c: InputChange) => {
  const [from, to] = contrast(c.from, c.to);
  return `${c.path}: ${from} → ${to}${c.replaces ? "  (forces replacement)" : ""}`;
};

/** `, 2 topology-wide settings` when any changed: they move figures without touching a component. */
const topologyCount = (diff: TopologyDiff) =>
  diff.topology.length === 0 ? "" : `, ${plural(diff.topology.length, "topology-wide setting")}`;

// ── text ────────────────────────────────────────────────────────────────────────────────────────

function textDiagnostic(d: Diagnostic, style: TextStyle): string {
  const lines = [
    `  ${paint("error", "red", style)} ${paint(oneLine(d.path), "bold", style)}`,
    wrap(oneLine(d.message), "    ", "    ", TEXT_WIDTH),
  ];
  if (d.fix) lines.push(wrap(`fix: ${oneLine(d.fix)}`, "    ", "         ", TEXT_WIDTH));
  return lines.join("\n");
}

const componentText = (c: ComponentChange) =>
  c.change === "changed"
    ? [
        `  ~ ${oneLine(c.path)}`,
        ...c.fields.map((f) => wrap(oneLine(describeField(f)), "      ", "        ")),
      ].join("\n")
    : `  ${c.change === "added" ? "+" : "-"} ${oneLine(c.path)} (${c.change})`;

function resourceText(r: ResourceChange): string {
  const head = [
    wrap(oneLine(r.name), `  ${SIGN[r.action].padEnd(3)} `, "      "),
    `      ${r.type}${r.protected ? "  [protected]" : ""}`,
  ].join("\n");
  const shown = r.inputs
    .slice(0, INPUTS_PER_RESOURCE)
    .map((c) => wrap(inputLine(c), "        ", "          "));
  const more = r.inputs.length - shown.length;
  return [head, ...shown, ...(more > 0 ? [`        … ${plural(more, "more input")}`] : [])].join("\n");
}

/** Plain text, ≤ 100 columns: destructive changes first, then findings, cost, SLOs, components, resources, analysis. */
export function renderDiffText(diff: TopologyDiff, style: TextStyle): string {
  const out: string[] = [];
  const heading = (text: string) => out.push("", paint(text, "bold", style));
  out.push(
    `topoplan diff: ${oneLine(diff.before)} → ${oneLine(diff.after)}`,
    `  ${plural(diff.components.length, "component")}${topologyCount(diff)} changed; ${resourceSummary(diff.resources)}; cost ${usdDelta(diff.cost.delta)}/month`,
  );
  heading(`Destructive changes (${diff.destructive.length})`);
  out.push(
    diff.destructive.length === 0
      ? "  none"
      : diff.destructive.map((d) => textDiagnostic(d, style)).join("\n"),
  );
  if (diff.findings) {
    const { introduced, fixed, removed, silenced, standingErrors } = diff.findings;
    heading(
      `Findings introduced (${introduced.length}), fixed (${fixed.length})${silenced.length > 0 ? `, silenced (${silenced.length})` : ""}${removed.length > 0 ? `, gone with removed components (${removed.length})` : ""}`,
    );
    if (introduced.length + fixed.length + removed.length + silenced.length === 0) out.push("  none");
    const line = (mark: string, d: Diagnostic, note = "") =>
      out.push(
        wrap(
          `${mark} ${d.severity} ${oneLine(d.path)}: ${oneLine(d.message)} [${d.code}]${note}`,
          "  ",
          "      ",
        ),
      );
    for (const d of introduced) line("+", d);
    for (const d of fixed) line("-", d);
    for (const d of removed) line("-", d, " (its component is removed)");
    // Still true: only no longer reported.
    for (const d of silenced) line("~", d, " (suppressed or its rule disabled by this change)");
    if (standingErrors.length > 0) {
      heading(`Errors from before, still failing check (${standingErrors.length})`);
      for (const d of standingErrors) line("!", d);
    }
  }
  heading(
    `Cost per month: ${usd(diff.cost.before.total)} → ${usd(diff.cost.after.total)} (${usdDelta(diff.cost.delta)})`,
  );
  if (diff.cost.components.length === 0) out.push("  no component's cost changes");
  else {
    const width = Math.max(...diff.cost.components.map((c) => oneLine(c.path).length));
    for (const c of diff.cost.components)
      out.push(
        `  ${oneLine(c.path).padEnd(width)}  ${usd(c.before).padStart(10)} → ${usd(c.after).padStart(10)}  ${usdDelta(c.delta).padStart(10)}`,
      );
  }
  if (diff.slos.length > 0) {
    heading(`SLO margins (${diff.slos.length})`);
    for (const s of diff.slos)
      out.push(
        wrap(
          `${oneLine(s.component)} ${s.slo}: target ${sloTarget(s)}, predicted ${s.predicted.before ?? "—"} → ${s.predicted.after ?? "—"}${s.met.after === false ? " (NOT MET)" : ""}`,
          "  ",
          "    ",
        ),
      );
  }
  if (diff.topology.length > 0) {
    heading(`Topology-wide changes (${diff.topology.length})`);
    for (const f of diff.topology) out.push(wrap(oneLine(describeField(f)), "  ", "    "));
  }
  heading(`Component changes (${diff.components.length})`);
  out.push(diff.components.length === 0 ? "  none" : diff.components.map(componentText).join("\n"));
  heading(`Resource changes: ${resourceSummary(diff.resources)}`);
  const shown = diff.resources.slice(0, TEXT_RESOURCE_LIMIT);
  out.push(shown.length === 0 ? "  none" : shown.map(resourceText).join("\n"));
  if (diff.resources.length > shown.length)
    out.push(
      `  … and ${plural(diff.resources.length - shown.length, "more resource")} (--format json lists all)`,
    );
  heading(`Analysis changes (${diff.analysis.length})`);
  out.push(
    diff.analysis.length === 0
      ? "  none"
      : diff.analysis
          .map((c) =>
            wrap(
              c.kind === "link-load" ? oneLine(c.message) : `${oneLine(c.component)}: ${oneLine(c.message)}`,
              "  ",
              "    ",
            ),
          )
          .join("\n"),
  );
  return `${out.join("\n")}\n`;
}

// ── JSON ────────────────────────────────────────────────────────────────────────────────────────

/** The diff as data: every resource and input, numbers at stable precision. */
export function renderDiffJson(diff: TopologyDiff): string {
  const { findings } = diff;
  return stableJsonText({
    ...diff,
    destructive: diff.destructive.map(jsonFinding),
    ...(findings === undefined
      ? {}
      : {
          findings: {
            introduced: findings.introduced.map(jsonFinding),
            fixed: findings.fixed.map(jsonFinding),
            removed: findings.removed.map(jsonFinding),
            silenced: findings.silenced.map(jsonFinding),
            standingErrors: findings.standingErrors.map(jsonFinding),
          },
        }),
    blocking: blocks(diff),
    summary: resourceSummary(diff.resources),
  });
}

// ── Markdown (the PR comment) ───────────────────────────────────────────────────────────────────

const md = escapeMarkdown;
const code = markdownCode;
const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
const header = (...names: string[]) => [row(names), row(names.map(() => "---"))];

const ICON: Readonly<Record<string, string>> = { error: "🔴", warning: "🟡", info: "🔵" };
const findingRow = (d: Diagnostic, mark: string) =>
  row([mark, `${ICON[d.severity] ?? ""} ${d.severity}`, code(d.code), code(d.path), md(d.message)]);

const ACTION_LABEL: Readonly<Record<ResourceAction, string>> = {
  create: "➕ create",
  update: "🔄 update",
  replace: "♻️ replace",
  delete: "🗑️ delete",
};

function resourceRow(r: ResourceChange): string {
  const inputs = r.inputs.slice(0, INPUTS_PER_RESOURCE).map((c) => {
    const [from, to] = contrast(c.from, c.to);
    // Code spans keep values verbatim and inert.
    return `${code(c.path)}: ${code(from)} → ${code(to)}${c.replaces ? " **forces replacement**" : ""}`;
  });
  const more = r.inputs.length - inputs.length;
  if (more > 0) inputs.push(`… ${plural(more, "more input")}`);
  return row([
    `${ACTION_LABEL[r.action]}${r.protected ? " 🔒" : ""}`,
    code(r.name),
    code(r.type),
    code(r.region),
    inputs.join("<br>"),
  ]);
}

export interface DiffMarkdownOptions {
  /** @default GITHUB_COMMENT_LIMIT */
  readonly limit?: number;
  /** The spec file shown in the heading. */
  readonly file?: string;
}

/**
 * The PR comment for a change: verdict, destructive changes, findings introduced and fixed, cost
 * delta, SLO margins, then (collapsed) component fields, resources and analysis. Always under the
 * limit: later sections lose rows first, and a line says what was cut.
 */
export function renderDiffMarkdown(diff: TopologyDiff, options: DiffMarkdownOptions = {}): string {
  const introduced = diff.findings?.introduced ?? [];
  const fixed = diff.findings?.fixed ?? [];
  const silenced = diff.findings?.silenced ?? [];
  const standing = diff.findings?.standingErrors ?? [];
  const newErrors = introduced.filter((d) => d.severity === "error" && d.status !== "unknown").length;
  const verdict = blocks(diff)
    ? `❌ **${plural(diff.destructive.length, "destructive change")}**: data can be lost or a protected resource replaced`
    : newErrors > 0
      ? `❌ **${plural(newErrors, "new error")}** introduced by this change`
      : standing.length > 0
        ? `⚠️ no destructive change, no new error; **${plural(standing.length, "error")} from before** still fail \`check\``
        : "✅ no destructive change, no new error";
  const cost = diff.cost;
  const head = [
    // A renamed topology shows both names: the rename is itself the change (every resource's prefix).
    `## topoplan diff: ${diff.before === diff.after ? code(diff.after) : `${code(diff.before)} → ${code(diff.after)}`}${options.file ? ` (${code(options.file)})` : ""}`,
    "",
    verdict,
    "",
    `${plural(diff.components.length, "component")}${topologyCount(diff)} changed · ${resourceSummary(diff.resources)} · findings +${introduced.length} / −${fixed.length} · cost ${usd(cost.before.total)} → ${usd(cost.after.total)} (**${usdDelta(cost.delta)}**/month)`,
  ];
  const sections: MarkdownSection[] = [
    {
      title: `Destructive changes (${diff.destructive.length})`,
      noun: "destructive change",
      head: header("Path", "Change", "Fix"),
      rows: diff.destructive.map((d) => row([code(d.path), md(d.message), md(d.fix ?? "")])),
    },
    ...(diff.findings
      ? [
          {
            title: `New findings (${introduced.length})`,
            noun: "new finding",
            head: header("", "Severity", "Rule", "Path", "Finding"),
            rows: introduced.map((d) => findingRow(d, "🆕")),
          },
          ...(silenced.length === 0
            ? []
            : [
                {
                  title: `Silenced by this change (${silenced.length}): suppressed or rule disabled, not fixed`,
                  noun: "silenced finding",
                  head: header("", "Severity", "Rule", "Path", "Finding"),
                  rows: silenced.map((d) => findingRow(d, "🔇")),
                },
              ]),
          {
            title: `Fixed findings (${fixed.length})`,
            noun: "fixed finding",
            head: header("", "Severity", "Rule", "Path", "Finding"),
            rows: fixed.map((d) => findingRow(d, "✔️")),
          },
          ...(standing.length === 0
            ? []
            : [
                {
                  title: `Errors from before, still failing \`check\` (${standing.length})`,
                  noun: "error from before",
                  head: header("", "Severity", "Rule", "Path", "Finding"),
                  rows: standing.map((d) => findingRow(d, "❌")),
                },
              ]),
          ...((diff.findings?.removed.length ?? 0) === 0
            ? []
            : [
                {
                  title: `Findings gone with removed components (${diff.findings!.removed.length})`,
                  noun: "finding of a removed component",
                  head: header("", "Severity", "Rule", "Path", "Finding"),
                  rows: diff.findings!.removed.map((d) => findingRow(d, "➖")),
                  collapsed: true,
                },
              ]),
        ]
      : []),
    {
      title: `Monthly cost: ${usd(cost.before.total)} → ${usd(cost.after.total)} (${usdDelta(cost.delta)})`,
      noun: "cost row",
      head: header("Component", "Before", "After", "Δ"),
      rows: [
        ...cost.components.map((c) => row([code(c.path), usd(c.before), usd(c.after), usdDelta(c.delta)])),
        row([
          "replicas (all)",
          usd(cost.before.replicas),
          usd(cost.after.replicas),
          usdDelta(cost.after.replicas - cost.before.replicas),
        ]),
        row([
          "egress (all)",
          usd(cost.before.egress),
          usd(cost.after.egress),
          usdDelta(cost.after.egress - cost.before.egress),
        ]),
        row([
          "**total**",
          `**${usd(cost.before.total)}**`,
          `**${usd(cost.after.total)}**`,
          `**${usdDelta(cost.delta)}**`,
        ]),
      ],
    },
    {
      title: `SLO margins (${diff.slos.length} changed)`,
      noun: "SLO row",
      head: header("Component", "SLO", "Target", "Predicted", "Met"),
      rows: diff.slos.map((s) =>
        row([
          code(s.component),
          s.slo,
          sloTarget(s),
          `${s.predicted.before ?? "—"} → ${s.predicted.after ?? "—"}`,
          `${s.met.before === undefined ? "⚪" : s.met.before ? "✅" : "❌"} → ${s.met.after === undefined ? "⚪" : s.met.after ? "✅" : "❌"}`,
        ]),
      ),
    },
    ...(diff.topology.length === 0
      ? []
      : [
          {
            title: `Topology-wide changes (${diff.topology.length})`,
            noun: "topology-wide change",
            head: header("Change"),
            rows: diff.topology.map((f) => row([code(describeField(f))])),
          },
        ]),
    {
      title: `Component changes (${diff.components.length})`,
      noun: "component field",
      head: header("Component", "Change"),
      rows: diff.components.flatMap((c) =>
        c.change === "changed"
          ? c.fields.map((f) => row([code(c.path), code(describeField(f))]))
          : [row([code(c.path), c.change])],
      ),
    },
    {
      title: `Resource changes: ${resourceSummary(diff.resources)}`,
      noun: "resource change",
      head: header("Action", "Resource", "Type", "Region", "Inputs (before → after)"),
      rows: diff.resources.map(resourceRow),
      collapsed: true,
    },
    {
      title: `Analysis changes (${diff.analysis.length})`,
      noun: "analysis change",
      head: header("Component", "Kind", "Change"),
      rows: diff.analysis.map((c) => row([code(c.component), c.kind, md(c.message)])),
      collapsed: true,
    },
  ];
  return fitMarkdown(
    { head, sections, rest: "Run `topoplan diff --format json` for every change." },
    options.limit ?? GITHUB_COMMENT_LIMIT,
  );
}
