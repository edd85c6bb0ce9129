/** PromQL checks shared by the engine tests: parse errors and the metric names an expression selects. */
import { parser } from "@prometheus-io/lezer-promql";
import type { Indicators } from "../../src/engines/types.js";

/** Every error node lezer-promql puts in the tree, with its position. */
export function promqlErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError)
        errors.push(`error node at ${node.from}: "${expr.slice(node.from, node.to + 10)}"`);
    },
  });
  return errors;
}

/** Metric names of the vector selectors in an expression (`foo{…}`), not label names or functions. */
export function selectedMetrics(expr: string): string[] {
  const names = new Set<string>();
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector")
        names.add(expr.slice(node.from, node.to));
    },
  });
  return [...names].sort();
}

/** Every expression of an indicator set, windowed ones at 5m and 1h. */
export function indicatorExpressions(ind: Indicators): string[] {
  const windowed = [ind.requestRate, ind.errorRatio].flatMap((f) =>
    f === undefined ? [] : [f("5m"), f("1h")],
  );
  const plain = [
    ind.avgLatencySeconds,
    ind.p99LatencySeconds,
    ind.replicationLagSeconds,
    ind.leaderPresent,
    ind.consumerLagSeconds,
    ...Object.values(ind.presence),
  ];
  return [...windowed, ...plain.filter((e): e is string => e !== undefined)];
}
