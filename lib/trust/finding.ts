/**
 * One way someone else could change a file an elevated bindlink would trust, and the shape of
 * an operating system's rule that finds them.
 *
 * @module
 */

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

/** Who may change a file besides the administrators, and whether to read it while judging. */
export interface RuleRequest {
  /** Whether the person who started the command may change it. */
  readonly allowUser: boolean;
  /** Linux: that person's uid; default the login uid of this process. */
  readonly user?: number;
  /** Also read the file's bytes, from what was judged (Linux: the very descriptor). */
  readonly read?: boolean;
}

/** What judging a file found: its real path, who else can change it, and its bytes if read. */
export interface RuleResult {
  /** The real file, every symlink and junction resolved. */
  readonly realPath: string;
  /** Each way someone else could change it; none when it is trusted. */
  readonly findings: TrustFinding[];
  /** The bytes, when asked for and the system reads them from what it judged. */
  readonly bytes?: Uint8Array<ArrayBuffer>;
}

/** One operating system's trust rule, and what its words and errors are. */
export interface HostRule {
  /** The administrators, in words (`root`, `SYSTEM and Administrators`). */
  readonly admins: string;
  /** The path separator its real paths use. */
  readonly separator: string;
  /** Whether this process runs with administrator rights. */
  isElevated(): boolean;
  /** Judges `file` and every folder on its real path; throws when they cannot be read. */
  judge(file: string, request: RuleRequest): RuleResult;
  /** What an error of its own says when the file could not be read, if it knows. */
  failure(error: unknown): "not-found" | "access-denied" | undefined;
}
