import { byText } from "../order.js";
/**
 * Places label boxes next to their points without overlapping each other or other points. Each
 * label tries, in order: right of its point, left of it, then the same two sides searched downward
 * and upward from the point; the first position inside the area that covers nothing wins (else the
 * one that covers least). Deterministic; O(n²) in labels (regions: tens).
 */
export interface LabelRequest {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedLabel {
  readonly id: string;
  /** Top-left corner of the box. */
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  /** The box sits away from its point: draw a leader line. */
  readonly detached: boolean;
}

interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

const GAP = 4;
const POINT = 7;
const STEP = 8;

const overlap = (a: Box, b: Box) =>
  Math.max(0, Math.min(a.left + a.width, b.left + b.width) + GAP - Math.max(a.left, b.left)) *
  Math.max(0, Math.min(a.top + a.height, b.top + b.height) + GAP - Math.max(a.top, b.top));

export function layoutLabels(
  requests: readonly LabelRequest[],
  area: { readonly width: number; readonly top: number; readonly bottom: number },
): PlacedLabel[] {
  const placed: PlacedLabel[] = [];
  const points: (Box & { id: string })[] = requests.map((r) => ({
    id: r.id,
    left: r.x - POINT,
    top: r.y - POINT,
    width: 2 * POINT,
    height: 2 * POINT,
  }));
  for (const r of [...requests].sort((a, b) => a.y - b.y || a.x - b.x || byText(a.id, b.id))) {
    const obstacles: Box[] = [...placed, ...points.filter((p) => p.id !== r.id)];
    const cost = (box: Box) => obstacles.reduce((sum, o) => sum + overlap(box, o), 0);
    const home = Math.min(Math.max(area.top, r.y - r.height / 2), area.bottom - r.height);
    const sides = [r.x + 12, r.x - 12 - r.width].filter(
      (left) => left >= 4 && left + r.width <= area.width - 4,
    );
    if (sides.length === 0) sides.push(Math.max(4, Math.min(r.x + 12, area.width - 4 - r.width)));
    let best: Box | undefined;
    let bestCost = Number.POSITIVE_INFINITY;
    for (let shift = 0; shift <= area.bottom - area.top && bestCost > 0; shift += STEP)
      for (const direction of shift === 0 ? [0] : [1, -1])
        for (const left of sides) {
          const top = home + direction * shift;
          if (top < area.top || top + r.height > area.bottom) continue;
          const box = { left, top, width: r.width, height: r.height };
          const c = cost(box);
          if (c < bestCost) [best, bestCost] = [box, c];
          if (c === 0) break;
        }
    const box = best ?? { left: sides[0]!, top: home, width: r.width, height: r.height };
    placed.push({
      id: r.id,
      ...box,
      detached: Math.abs(box.top + box.height / 2 - r.y) > box.height / 2 + 4,
    });
  }
  return placed;
}
