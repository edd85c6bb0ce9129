import type { Analysis } from "../analysis/types.js";
import type { Model } from "../model/types.js";
import { sloRows } from "../report/markdown.js";

/** One declared SLO whose target or prediction moved: the margin a reviewer must see. */
export interface SloDelta {
  readonly component: string;
  readonly slo: string;
  readonly target: { readonly before?: string; readonly after?: string };
  readonly predicted: { readonly before?: string; readonly after?: string };
  /** Met before / after; undefined where the SLO is not declared or cannot be predicted. */
  readonly met: { readonly before?: boolean; readonly after?: boolean };
}

/** SLO rows (target vs predicted) of both versions, paired by component and objective; unchanged rows left out. */
export function compareSlos(
  before: { model: Model; analysis: Analysis },
  after: { model: Model; analysis: Analysis },
): SloDelta[] {
  const key = (r: { component: string; slo: string }) => `${r.component}\u0000${r.slo}`;
  const then = new Map(sloRows(before.model, before.analysis).map((r) => [key(r), r]));
  const now = sloRows(after.model, after.analysis);
  const out: SloDelta[] = [];
  const seen = new Set<string>();
  const push = (
    component: string,
    slo: string,
    a: ReturnType<typeof sloRows>[number] | undefined,
    b: ReturnType<typeof sloRows>[number] | undefined,
  ) => {
    if (a && b && a.target === b.target && a.predicted === b.predicted && a.ok === b.ok) return;
    out.push({
      component,
      slo,
      target: { ...(a ? { before: a.target } : {}), ...(b ? { after: b.target } : {}) },
      predicted: { ...(a ? { before: a.predicted } : {}), ...(b ? { after: b.predicted } : {}) },
      met: {
        ...(a?.ok === undefined ? {} : { before: a.ok }),
        ...(b?.ok === undefined ? {} : { after: b.ok }),
      },
    });
  };
  for (const row of now) {
    seen.add(key(row));
    push(row.component, row.slo, then.get(key(row)), row);
  }
  for (const [k, row] of then) if (!seen.has(k)) push(row.component, row.slo, row, undefined);
  return out;
}
