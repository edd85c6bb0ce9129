import type * as TS from "typescript";
import type { PathSegment } from "../../diagnostics/diagnostic.js";
import type { Position } from "./types.js";

type Ts = typeof TS;

/**
 * Positions of spec paths in a TypeScript spec, with the compiler's parser (no type check): the object
 * literal passed to `defineTopology(...)` in the default export (or exported directly, or through a
 * const), walked property by property. Shorthand properties and spreads of local consts are followed.
 */
export async function typescriptLocator(
  text: string,
  file: string,
): Promise<(segments: readonly PathSegment[]) => Position> {
  const module = (await import("typescript")) as Ts & { default?: Ts };
  const ts: Ts = module.default ?? module;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const at = (node: TS.Node): Position => {
    const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
    return { line: line + 1, column: character + 1 };
  };
  const consts = new Map<string, TS.Expression>();
  const visit = (node: TS.Node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer)
      consts.set(node.name.text, node.initializer);
    ts.forEachChild(node, visit);
  };
  visit(source);

  /** Strips calls (defineTopology), casts, `satisfies`, parentheses and const references. */
  const unwrap = (expression: TS.Expression | undefined, depth = 0): TS.Expression | undefined => {
    if (expression === undefined || depth > 20) return expression;
    if (ts.isCallExpression(expression)) return unwrap(expression.arguments[0], depth + 1);
    if (
      ts.isParenthesizedExpression(expression) ||
      ts.isAsExpression(expression) ||
      ts.isSatisfiesExpression(expression)
    )
      return unwrap(expression.expression, depth + 1);
    if (ts.isIdentifier(expression) && consts.has(expression.text))
      return unwrap(consts.get(expression.text), depth + 1);
    return expression;
  };

  let root: TS.Expression | undefined;
  for (const statement of source.statements) {
    if (ts.isExportAssignment(statement) && !statement.isExportEquals) root = unwrap(statement.expression);
  }

  const propertyName = (name: TS.PropertyName): string | undefined =>
    ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) ? name.text : undefined;

  /** The property `key` of an object literal (last one wins, as at run time), following spreads. */
  const property = (
    object: TS.ObjectLiteralExpression,
    key: string,
    depth = 0,
  ): { keyNode: TS.Node; value: TS.Expression | undefined } | undefined => {
    for (const element of [...object.properties].reverse()) {
      if (ts.isPropertyAssignment(element) && propertyName(element.name) === key)
        return { keyNode: element.name, value: element.initializer };
      if (ts.isShorthandPropertyAssignment(element) && element.name.text === key)
        return { keyNode: element.name, value: element.name };
      if (
        (ts.isMethodDeclaration(element) || ts.isGetAccessor(element)) &&
        propertyName(element.name) === key
      )
        return { keyNode: element.name, value: undefined };
      if (ts.isSpreadAssignment(element) && depth < 10) {
        const spread = unwrap(element.expression);
        if (spread && ts.isObjectLiteralExpression(spread)) {
          const found = property(spread, key, depth + 1);
          if (found) return found;
        }
      }
    }
    return undefined;
  };

  return (segments) => {
    if (root === undefined) return { line: 1, column: 1 };
    let node: TS.Expression | undefined = root;
    let position = at(root);
    for (const segment of segments) {
      const current = unwrap(node);
      if (typeof segment === "number" && current && ts.isArrayLiteralExpression(current)) {
        const element = current.elements[segment];
        if (element === undefined) break;
        position = at(element);
        node = element;
      } else if (typeof segment === "string" && current && ts.isObjectLiteralExpression(current)) {
        const found = property(current, segment);
        if (found === undefined) break;
        position = at(found.keyNode);
        node = found.value;
      } else break;
    }
    return position;
  };
}
