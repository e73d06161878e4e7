/**
 * Linux path rules: how the API resolves, checks and compares the path strings it is given
 * (POSIX resolution, UTF-8 names, the kernel's length limits), before anything is opened;
 * opening them once, as descriptors, is ./paths.ts's job.
 *
 * @module
 */
import path from "../posix_path.ts";
import {
  currentFolder,
  identityIsBelow,
  identityOf,
  type PathRules,
  type Resolved,
} from "../paths.ts";
import { ONLY_UTF8 } from "./kernel_names.ts";

/** Longest path Linux system calls accept (PATH_MAX, in bytes, with the final NUL). */
export const LINUX_PATH_MAX = 4096;
/** Longest file name (one path component), in bytes. */
export const LINUX_NAME_MAX = 255;

/** UTF-8 length of `text`, counted without encoding it (lone surrogates count 3, as encoded). */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) {
      bytes += 1;
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2; // a pair: 2 UTF-16 units, 4 bytes
        i++;
      } else {
        bytes += 2;
      }
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

/**
 * True when `text` cannot stand for the bytes of a Linux name: it holds U+FFFD (what Deno
 * makes of argument bytes that are not UTF-8, so the real name is lost) or a lone surrogate
 * (which has no UTF-8 form: it would be written as U+FFFD's bytes).
 */
function notUtf8Name(text: string): boolean {
  return text.includes("\uFFFD") || !text.isWellFormed();
}

/** The real path of the deepest existing part of `file`, with the rest appended. */
function realPlace(file: string): string {
  const missing: string[] = [];
  let current = file;
  for (;;) {
    try {
      const real = Deno.realPathSync(current);
      return missing.length ? path.posix.join(real, ...missing.reverse()) : real;
    } catch (error) {
      if (
        !(error instanceof Deno.errors.NotFound) && !(error instanceof Deno.errors.NotADirectory)
      ) {
        throw error;
      }
      const parent = path.posix.dirname(current);
      if (parent === current) return file;
      missing.push(path.posix.basename(current));
      current = parent;
    }
  }
}

/** The POSIX path rules. */
export const linuxPathRules: PathRules = {
  realPlace,
  isAbsolute: (input) => input.startsWith("/"),
  resolve(input, role, cwd): Resolved {
    // An absolute path needs no current directory (asking for it is a getcwd call).
    const resolved = input.startsWith("/")
      ? path.posix.resolve(input)
      : path.posix.resolve(currentFolder(cwd), input);
    // Before anything is made or recorded: the name bindlink would use is not the one meant.
    if (notUtf8Name(resolved)) {
      return {
        problem: {
          summary:
            `the ${role} ${
              JSON.stringify(resolved).slice(1, -1)
            } has a name that is not UTF-8 (U+FFFD stands for bytes that were not, or a lone ` +
            `surrogate has no UTF-8 form)`,
          hint: `${ONLY_UTF8}: rename it to a UTF-8 name (convmv can), or link a UTF-8 path ` +
            "to it.",
        },
      };
    }
    const bytes = utf8Length(resolved);
    if (bytes >= LINUX_PATH_MAX) {
      return {
        problem: {
          summary: `the ${role} is ${bytes} bytes long; Linux allows at most ${LINUX_PATH_MAX - 1}`,
          hint: "Use a shorter path.",
        },
      };
    }
    // A name can only be too long when the whole path has more bytes than a name may.
    const long = bytes <= LINUX_NAME_MAX
      ? undefined
      : resolved.split("/").find((name) => utf8Length(name) > LINUX_NAME_MAX);
    if (long !== undefined) {
      return {
        problem: {
          summary: `a name in the ${role} is ${
            utf8Length(long)
          } bytes long; Linux allows at most ${LINUX_NAME_MAX} per name`,
          hint: `Shorten the name "${long.slice(0, 40)}...".`,
        },
      };
    }
    // Linux names are compared byte for byte: the resolved path is its own identity.
    return { text: resolved, identity: resolved, shown: resolved };
  },
  identify: (path) => path,
  isBelow(child, parent) {
    return identityIsBelow(
      identityOf(linuxPathRules, child),
      identityOf(linuxPathRules, parent),
      "/",
    );
  },
  same(a, b) {
    return identityOf(linuxPathRules, a) === identityOf(linuxPathRules, b);
  },
};
