/**
 * Names bindlink did not choose (paths, manifest names) as they may appear in a line of text
 * for people: every control character escaped. JSON output carries them exactly instead.
 *
 * @module
 */

// C0 controls, DEL, C1 controls, and the two Unicode line and paragraph separators: each can
// break a line, move the cursor or restyle a terminal, so none is printed as it is.
// deno-lint-ignore no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * `text` with every control character written as an escape (`\n`, `\r`, `\t`, `\xHH`,
 * `\u2028`), so a name with a newline or an escape sequence in it stays on its line and
 * cannot restyle the terminal. A backslash is left as it is (Windows paths are full of them).
 *
 * @example
 * ```ts
 * import { printable } from "./printable.ts";
 *
 * printable("/srv/a\nb"); // "/srv/a\\nb"
 * printable("/srv/\x1b[31mred"); // "/srv/\\x1b[31mred"
 * ```
 */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ??
      (code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`);
  });
}
