import fc from "fast-check";

/** Arrays and objects nested a few levels deep around `leaf` values: spec- and manifest-like data. */
export function nestedValues(
  leaf: fc.Arbitrary<unknown>,
  key: fc.Arbitrary<string> = fc.string({ maxLength: 4 }),
): fc.Arbitrary<unknown> {
  return fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof(
      { depthSize: "small" },
      leaf,
      fc.array(tie("node"), { maxLength: 4 }),
      fc.dictionary(key, tie("node"), { maxKeys: 4 }),
    ),
  })).node;
}
