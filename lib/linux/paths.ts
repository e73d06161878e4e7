/**
 * POSIX path rules for the Linux backend: case-sensitive, `/`-separated.
 *
 * @module
 */
import path from "node:path";
import { identityIsBelow, identityOf, type PathRules, type Resolved } from "../paths.ts";

/** Longest path Linux system calls accept (PATH_MAX, in bytes, with the final NUL). */
export const LINUX_PATH_MAX = 4096;

/** The POSIX path rules. */
export const linuxPathRules: PathRules = {
  resolve(input, role, cwd): Resolved {
    const resolved = path.posix.resolve(cwd, input);
    const bytes = new TextEncoder().encode(resolved).length;
    if (bytes >= LINUX_PATH_MAX) {
      return {
        problem: {
          summary: `the ${role} is ${bytes} bytes long; Linux allows at most ${LINUX_PATH_MAX - 1}`,
          hint: "Use a shorter path.",
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
