/**
 * The options of `createBindLink`, and their validation.
 *
 * @module
 */

/** Options for {@linkcode createBindLink}. */
export interface BindLinkOptions {
  /**
   * Mask write access to the backing path's files when reached through the link
   * (`CREATE_BIND_LINK_FLAG_READ_ONLY`). They stay writable through the backing path.
   */
  readOnly?: boolean;
  /**
   * Keep the virtual directory's own entries visible, merged with the backing path's; on a
   * name clash the backing path wins (`CREATE_BIND_LINK_FLAG_MERGED`).
   */
  merged?: boolean;
  /**
   * Paths below the virtual path where the link does not apply: they keep showing their
   * original content. They must exist when the link is created.
   */
  exceptions?: readonly string[];
}

const KNOWN = new Set(["readOnly", "merged", "exceptions"]);

/** Why the options cannot be used, or undefined when they can. */
export function checkOptions(options: unknown): string | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    return `the options must be an object like { readOnly: true }, not ${
      options === null ? "null" : Array.isArray(options) ? "an array" : typeof options
    }`;
  }
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KNOWN.has(key)) {
      return `unknown option "${key}" (the options are readOnly, merged and exceptions)`;
    }
  }
  for (const key of ["readOnly", "merged"]) {
    const value = record[key];
    if (value !== undefined && typeof value !== "boolean") {
      return `the option ${key} must be true or false, not ${JSON.stringify(value)}`;
    }
  }
  const exceptions = record.exceptions;
  if (exceptions !== undefined && !Array.isArray(exceptions)) {
    return "the option exceptions must be an array of paths";
  }
  return undefined;
}
