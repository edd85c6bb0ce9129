import { createHash } from "node:crypto";
import type { Diagnostic } from "../diagnostics/diagnostic.js";

/** The `partialFingerprints` key of a finding; the suffix changes when the scheme does. */
export const FINGERPRINT_KEY = "topoplanFinding/v2";

/**
 * Figures in a message: a number that starts a word (`12.17 ms`, `$1,480`, `3 replicas`, `16Gi`),
 * not one inside a name (`eu-west-1`, `p99`, `v24.1`, `readP99Ms`).
 */
const FIGURE = /(?<![\p{L}\p{N}_.-])\p{N}+(?:[.,]\p{N}+)*/gu;

/**
 * The words of a message without its figures: what it says, not how much. Two findings of one rule
 * at one path are told apart by their words ("SLO availability" vs "SLO readP99Ms"), while an edit
 * that moves a prediction from 12.17 to 12.16 ms leaves the words alone.
 */
export function messageShape(message: string): string {
  return message.replace(FIGURE, "#");
}

const digest = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 32);

/**
 * A fingerprint per finding, in order: rule, path, status and the message's shape, so GitHub code
 * scanning keeps one alert (and its dismissal) across commits while the figures in the message move.
 * Findings that would share one get `:2`, `:3`, … in report order, so each result has its own.
 */
export function findingFingerprints(findings: readonly Diagnostic[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((d) => {
    const base = digest(
      `${d.code}\u0000${d.path}\u0000${d.status ?? "fail"}\u0000${messageShape(d.message)}`,
    );
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}:${count}`;
  });
}
