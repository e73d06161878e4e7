/**
 * How startup install, remove and status start `systemctl` and `schtasks.exe`: through a
 * {@linkcode CommandRunner}, so tests record the calls instead of changing the machine.
 *
 * @module
 */

/** What a finished command returned. */
export interface CommandResult {
  /** The exit code. */
  readonly code: number;
  /** Its standard output, decoded as UTF-8. */
  readonly stdout: string;
  /** Its standard error, decoded as UTF-8. */
  readonly stderr: string;
}

/** Starts a program by absolute path and waits for it. */
export interface CommandRunner {
  /** Runs `cmd` (an absolute path) with `args`. */
  run(cmd: string, args: string[]): Promise<CommandResult>;
}

/**
 * The real runner: `Deno.Command` by absolute path (never a bare name, which `PATH` would
 * resolve). Needs `--allow-run`.
 *
 * @example
 * ```ts
 * import { systemRunner } from "./runner.ts";
 * const { code } = await systemRunner().run("/usr/bin/systemctl", ["daemon-reload"]);
 * ```
 */
export function systemRunner(): CommandRunner {
  return {
    async run(cmd, args) {
      if (!/^(\/|[A-Za-z]:\\)/.test(cmd)) {
        throw new Error(`refusing to run ${JSON.stringify(cmd)}: not an absolute path`);
      }
      const output = await new Deno.Command(cmd, {
        args,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      return {
        code: output.code,
        stdout: decodeOutput(output.stdout),
        stderr: decodeOutput(output.stderr),
      };
    },
  };
}

/**
 * A Windows tool's output: UTF-16LE when it says so with a byte order mark (or looks like it,
 * with NULs in every other byte), else UTF-8.
 */
export function decodeOutput(bytes: Uint8Array): string {
  const bom = bytes[0] === 0xff && bytes[1] === 0xfe;
  const wide = bom || (bytes.length >= 4 && bytes[1] === 0 && bytes[3] === 0 && bytes[0] !== 0);
  if (wide) return new TextDecoder("utf-16le").decode(bytes.subarray(bom ? 2 : 0));
  return new TextDecoder().decode(bytes);
}

/** One call seen by a {@linkcode RecordingRunner}. */
export interface RecordedCall {
  /** The program. */
  readonly cmd: string;
  /** Its arguments. */
  readonly args: readonly string[];
}

/** What a {@linkcode RecordingRunner} answers to a call; undefined means success, no output. */
export type Responder = (
  call: RecordedCall,
) => Partial<CommandResult> | undefined | Promise<Partial<CommandResult> | undefined>;

/**
 * A runner that starts nothing: it records every call and answers from `respond`, so tests
 * check exactly which commands install, remove and status run.
 *
 * @example
 * ```ts
 * import { RecordingRunner } from "./runner.ts";
 * const runner = new RecordingRunner((call) => call.args[0] === "is-enabled" ? { code: 1 } : undefined);
 * await runner.run("/usr/bin/systemctl", ["is-enabled", "bindlink.service"]); // code 1
 * runner.calls; // [{ cmd: "/usr/bin/systemctl", args: ["is-enabled", "bindlink.service"] }]
 * ```
 */
export class RecordingRunner implements CommandRunner {
  /** Every call, in order. */
  readonly calls: RecordedCall[] = [];
  readonly #respond: Responder;

  /** A runner answering with `respond` (default: every command succeeds). */
  constructor(respond: Responder = () => undefined) {
    this.#respond = respond;
  }

  /** Records the call and answers it. */
  async run(cmd: string, args: string[]): Promise<CommandResult> {
    const call = { cmd, args: [...args] };
    this.calls.push(call);
    const answer = await this.#respond(call);
    return { code: answer?.code ?? 0, stdout: answer?.stdout ?? "", stderr: answer?.stderr ?? "" };
  }
}
