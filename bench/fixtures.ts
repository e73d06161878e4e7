/**
 * Folders the bench links, on its scratch tmpfs: a virtual and a backing folder per link,
 * with a few files, and the exception folders inside both.
 *
 * @module
 */

/** The variants of issue 8's table. */
export type Variant = "plain" | "merged" | "exceptions";

/** One link's folders. */
export interface Fixture {
  /** The folder the link appears over. */
  readonly virtualPath: string;
  /** The folder it shows. */
  readonly backingPath: string;
  /** Absolute exception paths (empty unless `exceptions`). */
  readonly exceptions: readonly string[];
  /** The exception paths relative to the virtual folder. */
  readonly relativeExceptions: readonly string[];
  /** Whether the link is merged. */
  readonly merged: boolean;
}

/** How many exceptions the `exceptions` variant has. */
export const EXCEPTION_COUNT = 3;

/** Makes `dir`/virtual and `dir`/backing, with files, for one link of `variant`. */
export function makeFixture(dir: string, variant: Variant): Fixture {
  const virtualPath = `${dir}/virtual`;
  const backingPath = `${dir}/backing`;
  const relativeExceptions = variant === "exceptions"
    ? Array.from({ length: EXCEPTION_COUNT }, (_, i) => `keep${i}`)
    : [];
  for (const root of [virtualPath, backingPath]) {
    Deno.mkdirSync(root, { recursive: true });
    Deno.writeTextFileSync(`${root}/file.txt`, root);
    // Exception folders exist on both sides, so no backend has to make mount points.
    for (const rel of relativeExceptions) {
      Deno.mkdirSync(`${root}/${rel}`);
      Deno.writeTextFileSync(`${root}/${rel}/own.txt`, rel);
    }
  }
  return {
    virtualPath,
    backingPath,
    exceptions: relativeExceptions.map((rel) => `${virtualPath}/${rel}`),
    relativeExceptions,
    merged: variant === "merged",
  };
}
