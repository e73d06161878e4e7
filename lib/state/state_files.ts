/**
 * The file operations the intent store and the operation journal do on their records: Deno's
 * by default, cheaper ones a backend may pass for its own system.
 *
 * @module
 */
/**
 * The file operations a store does on its records. The default uses Deno's file APIs; a
 * backend may pass cheaper ones for its own system (Linux: libc, see lib/linux/files.ts).
 *
 * @example
 * ```ts
 * import { denoStateFiles, type StateFiles } from "./state_files.ts";
 *
 * const files: StateFiles = { ...denoStateFiles };
 * files.writeText("/tmp/example.tmp", "{}");
 * files.rename("/tmp/example.tmp", "/tmp/example.json");
 * ```
 */
export interface StateFiles {
  /** Writes `text` to `file`, created with mode 0600 or truncated. */
  writeText(file: string, text: string): void;
  /**
   * The text of the record `file`: `undefined` when there is none. Throws when the file may
   * not be believed (on Linux: not root's alone, see lib/linux/state_trust.ts).
   */
  read(file: string): string | undefined;
  /** Renames `from` to `to`, replacing `to`. */
  rename(from: string, to: string): void;
  /** Deletes `file`: `false` when there was none. */
  remove(file: string): boolean;
  /** The names in the folder `dir`: `[]` when there is no such folder. */
  names(dir: string): string[];
  /** True when `error`, thrown by one of these, says a file or folder does not exist. */
  isNotFound(error: unknown): boolean;
}

/**
 * {@linkcode StateFiles} through Deno's file APIs (every operating system).
 *
 * @example
 * ```ts
 * import { denoStateFiles } from "./state_files.ts";
 *
 * console.log(denoStateFiles.names("/tmp"));
 * ```
 */
export const denoStateFiles: StateFiles = {
  writeText(file, text) {
    Deno.writeTextFileSync(file, text, { mode: 0o600 });
  },
  read(file) {
    try {
      return Deno.readTextFileSync(file);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
  },
  rename(from, to) {
    Deno.renameSync(from, to);
  },
  remove(file) {
    try {
      Deno.removeSync(file);
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
  },
  names(dir) {
    try {
      return [...Deno.readDirSync(dir)].map((entry) => entry.name);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [];
      throw error;
    }
  },
  isNotFound: (error) => error instanceof Deno.errors.NotFound,
};
