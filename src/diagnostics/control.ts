/**
 * C0/C1 control characters except tab and line feed (escape sequences, carriage returns),
 * zero-width and bidirectional-override characters, line/paragraph separators and the BOM: what
 * can steer a terminal or hide text in a review. Also the other invisible format characters: the
 * soft hyphen, the combining grapheme joiner, the Arabic letter mark (a bidi mark), the Khmer
 * inherent vowels, the Mongolian variation selectors and vowel separator, the Hangul fillers
 * (U+115F, U+1160, U+3164, U+FFA0), the deprecated format characters U+206A–206F, the interlinear annotation marks
 * U+FFF9–FFFB and the tag characters U+E0000–E007F (as their surrogate pairs, so that the
 * source can be put in other patterns without the `u` flag). One definition for the spec check
 * and the report escaping.
 */
export const CONTROL_CHARACTERS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb]|\u034f|\u17b4|\u17b5|\u180b|\u180c|\u180d|\udb40[\udc00-\udc7f]/;

/** The same, for replacing every occurrence. */
export const CONTROL_CHARACTERS_ALL = new RegExp(CONTROL_CHARACTERS.source, "g");

/** The first such character of `text` (or else of `also`'s) as `U+001B`, for messages. */
export function describeControl(text: string, also?: RegExp): string {
  const found =
    text.match(CONTROL_CHARACTERS)?.[0] ?? (also === undefined ? undefined : text.match(also)?.[0]) ?? "";
  return `U+${(found.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}
