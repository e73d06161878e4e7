/** One way someone else could change a file an elevated bindlink would trust. @module */

/** A file or folder on the path, who besides the trusted accounts can change it, and a fix. */
export interface TrustFinding {
  /** The file, or the folder on its path, that others can change. */
  readonly path: string;
  /** Whether {@linkcode TrustFinding.path} is the file itself or a folder on its path. */
  readonly kind: "file" | "folder";
  /** Who else can change it, in plain words (`every user (mode 0777)`, `BUILTIN\Users`). */
  readonly who: string;
  /** A command or step that removes that right. */
  readonly fix: string;
}
