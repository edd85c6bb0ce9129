import { formatDiagnostic, paint, type TextStyle } from "../diagnostics/format-text.js";
import { markdownCode, markdownText } from "../report/escape.js";
import { type ComponentChange, describeField, type TopologyDiff } from "./index.js";

/** Names listed per resource group before "… and N more". */
export const LIST_LIMIT = 50;
/** GitHub's comment limit is 65,536 characters; stay under it with room for the note. */
export const MARKDOWN_LIMIT = 65_000;

function limited<T>(items: readonly T[], limit = LIST_LIMIT): { shown: readonly T[]; more: number } {
  return { shown: items.slice(0, limit), more: Math.max(0, items.length - limit) };
}

const componentLine = (c: ComponentChange) =>
  c.change === "changed"
    ? `  ~ ${c.path}\n${c.fields.map((f) => `      ${describeField(f)}`).join("\n")}`
    : `  ${c.change === "added" ? "+" : "-"} ${c.path} (${c.change})`;

/** Plain text: destructive changes first, then components, resources, analysis. */
export function renderDiffText(diff: TopologyDiff, style: TextStyle): string {
  const out: string[] = [];
  const heading = (text: string) => out.push("", paint(text, "bold", style));
  out.push(`topoplan diff: ${diff.before} → ${diff.after}`);
  heading(`Destructive changes (${diff.destructive.length})`);
  out.push(
    diff.destructive.length === 0
      ? "  none"
      : diff.destructive.map((d) => formatDiagnostic(d, style)).join("\n"),
  );
  heading(`Component changes (${diff.components.length})`);
  out.push(diff.components.length === 0 ? "  none" : diff.components.map(componentLine).join("\n"));
  const r = diff.resources;
  heading(
    `Resource changes (${r.added.length} added, ${r.removed.length} removed, ${r.changed.length} changed)`,
  );
  for (const [sign, names] of [
    ["+", r.added],
    ["-", r.removed],
    ["~", r.changed],
  ] as const) {
    const { shown, more } = limited(names);
    for (const name of shown) out.push(`  ${sign} ${name}`);
    if (more > 0) out.push(`  … and ${more} more`);
  }
  heading(`Analysis changes (${diff.analysis.length})`);
  out.push(
    diff.analysis.length === 0 ? "  none" : diff.analysis.map((c) => `  ${c.path}  ${c.message}`).join("\n"),
  );
  return `${out.join("\n")}\n`;
}

/** Cells are built with markdownCode / markdownText (src/report/escape.ts); pipes and breaks only here. */
const cell = (text: string) => text.replace(/(?<!\\)\|/g, "\\|").replace(/\n/g, " ");

function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  limit = LIST_LIMIT,
): string[] {
  if (rows.length === 0) return ["_none_"];
  const { shown, more } = limited(rows, limit);
  const lines = [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...shown.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ];
  if (more > 0) lines.push("", `… and ${more} more`);
  return lines;
}

/** Markdown for a PR comment: a table per section, under GitHub's 65,536-character limit. */
export function renderDiffMarkdown(diff: TopologyDiff): string {
  const r = diff.resources;
  const out = [
    `## topoplan diff: ${markdownCode(diff.before)} → ${markdownCode(diff.after)}`,
    "",
    diff.destructive.length > 0
      ? `**${diff.destructive.length} destructive change${diff.destructive.length === 1 ? "" : "s"}** — data can be lost.`
      : "No destructive changes.",
    "",
    `### Destructive changes (${diff.destructive.length})`,
    "",
    ...table(
      ["Path", "Change", "Fix"],
      diff.destructive.map((d) => [markdownCode(d.path), markdownText(d.message), markdownText(d.fix ?? "")]),
    ),
    "",
    `### Component changes (${diff.components.length})`,
    "",
    ...table(
      ["Component", "Change", "Fields"],
      diff.components.map((c) => [
        markdownCode(c.path),
        c.change,
        c.fields.map((f) => markdownText(describeField(f))).join("<br>"),
      ]),
    ),
    "",
    `### Resource changes (${r.added.length} added, ${r.removed.length} removed, ${r.changed.length} changed)`,
    "",
    ...table(
      ["Change", "Resource"],
      [
        ...r.added.map((n) => ["added", markdownCode(n)]),
        ...r.removed.map((n) => ["removed", markdownCode(n)]),
        ...r.changed.map((n) => ["changed", markdownCode(n)]),
      ],
      3 * LIST_LIMIT,
    ),
    "",
    `### Analysis changes (${diff.analysis.length})`,
    "",
    ...table(
      ["Component", "Kind", "Change"],
      diff.analysis.map((c) => [markdownCode(c.path), c.kind, markdownText(c.message)]),
    ),
    "",
  ].join("\n");
  if (out.length <= MARKDOWN_LIMIT) return out;
  const note = "\n\n… truncated to fit a GitHub comment; run `topoplan diff --format json` for everything.\n";
  return out.slice(0, MARKDOWN_LIMIT - note.length) + note;
}
