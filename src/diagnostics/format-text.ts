import type { Diagnostic } from "./diagnostic.js";

export interface TextStyle {
  readonly color: boolean;
}

const CODES = { red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;
type Tone = keyof typeof CODES;

export function paint(text: string, tone: Tone, style: TextStyle): string {
  return style.color ? `\u001b[${CODES[tone]}m${text}\u001b[0m` : text;
}

const TONE: Readonly<Record<Diagnostic["severity"], Tone>> = {
  error: "red",
  warning: "yellow",
  info: "cyan",
};

/** One diagnostic, two or three lines: `error  path  message` / `  fix: …`. Used for spec errors and findings alike. */
export function formatDiagnostic(d: Diagnostic, style: TextStyle): string {
  const label = d.status === "unknown" ? "unknown" : d.severity;
  const where = d.location ? ` (${d.location.file}:${d.location.line}:${d.location.column})` : "";
  const lines = [
    `${paint(label.padEnd(7), d.status === "unknown" ? "dim" : TONE[d.severity], style)} ${paint(d.path, "bold", style)}${where}  ${d.message}  ${paint(`[${d.code}]`, "dim", style)}`,
  ];
  if (d.fix) lines.push(`        ${paint("fix:", "dim", style)} ${d.fix}`);
  return lines.join("\n");
}

export function formatDiagnostics(diagnostics: readonly Diagnostic[], style: TextStyle): string {
  return diagnostics.map((d) => formatDiagnostic(d, style)).join("\n");
}
