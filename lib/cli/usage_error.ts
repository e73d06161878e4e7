/**
 * The error for a command line that cannot be run: exit code 2, with a pointer to the help.
 *
 * @module
 */

/** A command line that cannot be run; `topic` names the help to point at. */
export class UsageError extends Error {
  /** The command whose help explains the mistake, if any. */
  readonly topic?: string;

  /** A usage error with its message (no trailing full stop) and the command it is about. */
  constructor(message: string, topic?: string) {
    super(message);
    this.name = "UsageError";
    this.topic = topic;
  }
}
