/**
 * The one rule for what an elevated bindlink trusts: a file that only administrators (root;
 * SYSTEM, Administrators, TrustedInstaller) and, where allowed, the person who started the
 * command can change, delete, rename or replace, together with every folder on its real path.
 *
 * @module
 */
import { BindLinkError, type BindLinkOperation } from "../errors.ts";
import type { RuleResult, TrustFinding } from "./finding.ts";
import { hostRule } from "./host_rule.ts";

export type { TrustFinding } from "./finding.ts";

/** What a file is checked for, and who besides administrators may change it. */
export interface TrustOptions {
  /** What the file is, for the message: `manifest`, `program`, `protected folder`. */
  readonly role: string;
  /** The operation that needs the file, for the error. */
  readonly operation: BindLinkOperation;
  /**
   * Whether the person who started the command may be able to change it (a manifest: yes;
   * a program the startup task runs for everyone: no).
   */
  readonly allowUser: boolean;
  /**
   * Linux only: the uid of that person. Default: the login uid of this process
   * (`/proc/self/loginuid`, which `sudo` keeps and users cannot set); tests pass one.
   */
  readonly user?: number;
  /**
   * Also read the file's bytes (Linux: from the very descriptor the rule judged, so what is
   * read is what was checked), into {@linkcode TrustedFile.bytes}.
   */
  readonly read?: boolean;
}

/** A file that passed the rule. */
export interface TrustedFile {
  /** The path as given. */
  readonly path: string;
  /** The real file, every symlink and junction resolved: read this path, not the given one. */
  readonly realPath: string;
  /** Linux, with {@linkcode TrustOptions.read}: the bytes read from the descriptor checked. */
  readonly bytes?: Uint8Array<ArrayBuffer>;
}

/**
 * The findings for `file` under this system's rule, without throwing for them.
 *
 * @example
 * ```ts
 * import { findUntrusted } from "./trusted_file.ts";
 * const { findings } = findUntrusted("/etc/hostname", {
 *   role: "file",
 *   operation: "apply",
 *   allowUser: false,
 * });
 * console.log(findings.map((f) => f.who));
 * ```
 */
export function findUntrusted(file: string, options: TrustOptions): RuleResult {
  return hostRule.judge(file, options);
}

const MAX_SHOWN = 3;

/** The error that names the file, who else can change it and how to fix it. */
export function untrustedError(
  file: string,
  findings: readonly TrustFinding[],
  options: TrustOptions,
): BindLinkError {
  const trusted = options.allowUser ? `${hostRule.admins} and you` : hostRule.admins;
  // The nearest places first; a long list would hide the one to fix.
  const shown = findings.slice(0, MAX_SHOWN);
  const who = shown.map((f) =>
    f.path === file || f.kind === "file"
      ? `${f.who} can change the ${options.role} ${f.path}`
      : `${f.who} can change the folder ${f.path} on its path`
  );
  if (findings.length > shown.length) {
    who.push(`and ${findings.length - shown.length} more (run it again after fixing these)`);
  }
  const fixes = [...new Set(shown.map((f) => f.fix))];
  return new BindLinkError({
    code: "untrusted",
    operation: options.operation,
    summary: `the ${options.role} ${file} is not trusted: ${who.join("; ")}`,
    hint: `An elevated bindlink only takes orders from files that only ${trusted} can change. ` +
      `Fix: ${fixes.join("; ")}; or move it to a folder only ${trusted} can write.`,
  });
}

/**
 * Applies the rule to `file` and returns its real path, or throws a `BindLinkError` with
 * code `untrusted` naming the file, who else can change it and how to fix it.
 *
 * @example
 * ```ts
 * import { checkTrustedFile } from "./trusted_file.ts";
 * const { realPath } = checkTrustedFile("/etc/bindlink/startup.json", {
 *   role: "manifest",
 *   operation: "apply",
 *   allowUser: true,
 * });
 * ```
 */
export function checkTrustedFile(file: string, options: TrustOptions): TrustedFile {
  let result;
  try {
    result = findUntrusted(file, options);
  } catch (error) {
    throw unreadable(file, error, options);
  }
  if (result.findings.length) throw untrustedError(file, result.findings, options);
  return { path: file, realPath: result.realPath, bytes: result.bytes };
}

/** The error for a file whose owner and permissions could not be read at all. */
function unreadable(file: string, error: unknown, options: TrustOptions): BindLinkError {
  if (error instanceof BindLinkError) return error;
  const failure = hostRule.failure(error);
  const missing = error instanceof Deno.errors.NotFound || failure === "not-found";
  const denied = error instanceof Deno.errors.PermissionDenied ||
    error instanceof Deno.errors.NotCapable || failure === "access-denied";
  return new BindLinkError({
    code: missing ? "not-found" : denied ? "access-denied" : "unknown",
    operation: options.operation,
    summary: missing
      ? `the ${options.role} ${file} does not exist`
      : `the owner and permissions of the ${options.role} ${file} cannot be read`,
    hint: missing
      ? `Check the path of the ${options.role}.`
      : "Run bindlink elevated, with the permissions the README lists, and check the path.",
    systemMessage: error instanceof Error ? error.message : String(error),
    cause: error,
  });
}

/**
 * Applies the rule to every file and folder below `folder` (the imported code of a program),
 * and to `folder` itself with the folders above it. Throws like {@linkcode checkTrustedFile}
 * for the first entry that fails.
 *
 * @example
 * ```ts
 * import { checkTrustedTree } from "./trusted_file.ts";
 * checkTrustedTree("/usr/local/lib/bindlink/lib", {
 *   role: "program file",
 *   operation: "startup",
 *   allowUser: false,
 * });
 * ```
 */
export function checkTrustedTree(folder: string, options: TrustOptions): void {
  const { realPath } = checkTrustedFile(folder, options);
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      const child = join(dir, entry.name);
      if (entry.isSymlink) {
        checkTrustedFile(child, options);
        continue;
      }
      const { findings } = tryFind(child, options);
      if (findings.length) throw untrustedError(child, findings, options);
      if (entry.isDirectory) walk(child);
    }
  };
  const separator = hostRule.separator;
  // Names read from a real folder: no separators or dot names to normalize away.
  const join = (folder: string, name: string) =>
    folder.endsWith(separator) ? folder + name : folder + separator + name;
  walk(realPath);
}

function tryFind(file: string, options: TrustOptions) {
  try {
    return findUntrusted(file, options);
  } catch (error) {
    throw unreadable(file, error, options);
  }
}
