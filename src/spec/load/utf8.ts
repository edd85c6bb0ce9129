/** UTF-8 decoding that refuses what is not UTF-8, for specs and every file a TypeScript spec bundles. */
import { InputError } from "../../diagnostics/diagnostic.js";
import { positionAfter } from "./position.js";

// ignoreBOM: the text keeps a byte-order mark (the parsers skip it; solve --write writes it back).
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** How the errors say it, and what to do. */
export const NOT_UTF8 = "not valid UTF-8";
export const UTF8_FIX = "save the file as UTF-8 (it looks like Latin-1 or another legacy encoding)";

/** The text, or the text before the first byte that is not UTF-8 (for the error's line and column). */
export function strictUtf8(
  bytes: Uint8Array,
): { readonly ok: true; readonly text: string } | { readonly ok: false; readonly before: string } {
  try {
    return { ok: true, text: UTF8.decode(bytes) };
  } catch {
    return { ok: false, before: new TextDecoder("utf-8").decode(bytes.subarray(0, firstInvalidByte(bytes))) };
  }
}

/**
 * The file's text, or an InputError (`code` at `path`) naming its first byte that is not UTF-8:
 * decoding leniently would put U+FFFD into names and environment values, and so into the
 * manifests, without a word (a Latin-1 "café").
 */
export function utf8Text(bytes: Uint8Array, file: string, code: string, path: string): string {
  const decoded = strictUtf8(bytes);
  if (decoded.ok) return decoded.text;
  throw new InputError([
    {
      code,
      severity: "error",
      path,
      message: `${file} is ${NOT_UTF8}`,
      fix: UTF8_FIX,
      location: { file, ...positionAfter(decoded.before) },
    },
  ]);
}

/** Offset of the first byte that starts no valid UTF-8 sequence (RFC 3629: no overlongs, no surrogates). */
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length =
      b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    // The second byte's range is narrower after E0, ED, F0 and F4 (overlongs, surrogates, > U+10FFFF).
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k]!;
      if (k === 1 ? c < low || c > high : c < 0x80 || c > 0xbf) return i;
    }
    i += length;
  }
  return bytes.length;
}
