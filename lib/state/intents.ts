/**
 * Intent records: what a changing command is about to do, written before its first change
 * and deleted when it ends, so that the next command can finish or undo the work of one that
 * was killed. The same on every operating system; what a step means is the backend's.
 *
 * A record is first written under its own name, and later replaced through a temporary file
 * and a rename. A reader sees a whole record, or a first write a kill cut short, reported as
 * `partial` (nothing had been changed yet); a temporary file an update left is reported as
 * `partial` too, beside the whole record it was to replace. Each record
 * names its owner (process ID, process start time, boot ID), which {@linkcode ProcessFacts}
 * judges: `running` (leave it alone), `dead` (finish or undo it, under the lock), or
 * `earlier boot` (discard it: what it describes did not survive the restart). The words are
 * the ones `status --json` shows for an operation's state.
 *
 * @example Guard a change with an intent record
 * ```ts
 * import { IntentStore } from "./intents.ts";
 * import type { ProcessFacts } from "./process_facts.ts";
 *
 * declare const facts: ProcessFacts; // linuxProcessFacts() or windowsProcessFacts()
 * const store = new IntentStore("/run/bindlink/example", facts);
 * const intent = store.begin("create", { mount: "/srv/app", workDir: "/srv/.work" });
 * // ... make what the steps say ...
 * intent.finish();
 * ```
 *
 * @module
 */
import { BindLinkError } from "../errors.ts";
import type { OwnerState, ProcessFacts } from "./process_facts.ts";
import { denoStateFiles, type StateFiles } from "./state_files.ts";

/** One intent record, as stored. */
export interface IntentRecord<S = unknown> {
  /** The format version. */
  version: 1;
  /** The record's ID, also its file name's stem. */
  id: string;
  /** The operation (`create`, `remove`, `apply`, ...). */
  operation: string;
  /** What it works on (a virtual path, a manifest), for messages. */
  subject?: string;
  /** The owner's process ID. */
  pid: number;
  /** The owner's start time, as {@linkcode ProcessFacts.self} gives it. */
  start: string;
  /** The boot the owner ran in. */
  bootId: string;
  /** When the record was first written (ISO 8601). */
  startedAt: string;
  /** The backend's description of what it is about to make and has made. */
  steps: S;
}

/** An intent record found on disk, with its owner judged. */
export interface PendingIntent<S = unknown> {
  /** The file, absolute. */
  file: string;
  /** The record; absent when the file is `partial`. */
  record?: IntentRecord<S>;
  /** A temporary file or an unreadable record: written halfway when its owner was killed. */
  partial: boolean;
  /** The owner's state. A partial file's owner is read from its name. */
  owner: OwnerState;
}

/** Options for {@linkcode IntentStore}. */
export interface IntentStoreOptions {
  /** Only files whose names start with this belong to the store (a shared folder). */
  prefix?: string;
  /** How the records are written, renamed and deleted; default {@linkcode denoStateFiles}. */
  files?: StateFiles;
}

const SUFFIX = ".intent.json";
const TEMPORARY = ".intent.tmp";
let counter = 0;

const randomWords = new Uint32Array(1);

// A random word for a record's name, from the system's generator.
function randomWord(): number {
  return crypto.getRandomValues(randomWords)[0];
}

function join(dir: string, name: string): string {
  return /[\\/]$/.test(dir) ? dir + name : `${dir}/${name}`;
}

/**
 * The intent records in one folder.
 *
 * @example List what a killed command left
 * ```ts
 * import { IntentStore } from "./intents.ts";
 * import type { ProcessFacts } from "./process_facts.ts";
 *
 * declare const facts: ProcessFacts;
 * for (const pending of new IntentStore("/run/bindlink/example", facts).list()) {
 *   if (pending.owner !== "running") console.log(pending.record?.operation, pending.owner);
 * }
 * ```
 */
export class IntentStore {
  /** The folder. */
  readonly dir: string;
  /** The prefix of this store's file names. */
  readonly prefix: string;
  readonly #facts: ProcessFacts;
  readonly #files: StateFiles;

  /** A store in `dir` (created on the first write), judging owners with `facts`. */
  constructor(dir: string, facts: ProcessFacts, options: IntentStoreOptions = {}) {
    this.dir = dir;
    this.prefix = options.prefix ?? "";
    this.#facts = facts;
    this.#files = options.files ?? denoStateFiles;
  }

  /**
   * Writes a new intent record before the operation's first change and returns its handle.
   * The file is complete on disk when this returns.
   */
  begin<S>(operation: string, steps: S, subject?: string): Intent<S> {
    const self = this.#facts.self();
    const id = this.#newId(self);
    const record: IntentRecord<S> = {
      version: 1,
      id,
      operation,
      subject,
      pid: self.pid,
      start: self.start,
      bootId: this.#facts.bootId(),
      startedAt: new Date().toISOString(),
      steps,
    };
    const intent = new Intent(this.dir, record, this.#files);
    try {
      intent.start();
    } catch (error) {
      if (!this.#files.isNotFound(error)) throw error;
      Deno.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      intent.start();
    }
    return intent;
  }

  /** The handle of a record found by {@linkcode IntentStore.list}, to complete or delete it. */
  adopt<S>(record: IntentRecord<S>): Intent<S> {
    return new Intent(this.dir, record, this.#files);
  }

  /**
   * Every intent record of this store, with its owner judged; one directory read when the
   * folder is empty or missing. Changes nothing.
   */
  list<S = unknown>(): PendingIntent<S>[] {
    return this.judge<S>(this.names());
  }

  /** The names of this store's files, from one directory read. */
  names(): string[] {
    return this.#files.names(this.dir).filter((name) =>
      name.startsWith(this.prefix) && this.isIntentName(name)
    );
  }

  /** True for a file name this store writes (a record or its temporary file). */
  isIntentName(name: string): boolean {
    return name.endsWith(SUFFIX) || name.endsWith(TEMPORARY);
  }

  /** Reads and judges the files `names` (from {@linkcode IntentStore.names}). */
  judge<S = unknown>(names: readonly string[]): PendingIntent<S>[] {
    const bootId = names.length ? this.#facts.bootId() : "";
    const found: PendingIntent<S>[] = [];
    for (const name of names) {
      const file = join(this.dir, name);
      let record: IntentRecord<S> | undefined;
      if (name.endsWith(SUFFIX)) {
        try {
          const text = this.#files.read(file);
          if (text === undefined) continue; // finished meanwhile
          record = JSON.parse(text);
        } catch (error) {
          // A file that may not be believed stops the command: nothing it says is acted on.
          if (error instanceof BindLinkError && error.code === "untrusted") throw error;
          record = undefined; // torn, or being written: partial
        }
      }
      // The owner is the process named in the file name (a claimed record keeps its maker's
      // fields inside): prefix, pid, start, ...
      const [pid, start] = name.slice(this.prefix.length).split(".");
      const running = /^\d+$/.test(pid) && this.#facts.isRunning(Number(pid), start);
      if (record) {
        // The file's name is authoritative: a claimed record keeps its maker's id inside.
        record.id = name.slice(0, -SUFFIX.length);
        const owner = record.bootId !== bootId ? "earlier boot" : running ? "running" : "dead";
        found.push({ file, record, partial: false, owner });
      } else {
        found.push({ file, partial: true, owner: running ? "running" : "dead" });
      }
    }
    return found;
  }

  /**
   * Takes over `file`, a finished record written by {@linkcode Intent.moveTo} (a link's
   * record), as an intent of this process: one rename, so the record and the intent never
   * both exist. For an operation that undoes what the record describes (a remove).
   *
   * @returns The intent, or `undefined` when `file` no longer exists.
   */
  claim<S>(file: string, record: IntentRecord<S>): Intent<S> | undefined {
    const self = this.#facts.self();
    const id = this.#newId(self);
    const claimed: IntentRecord<S> = { ...record, id };
    const intent = new Intent(this.dir, claimed, this.#files);
    try {
      this.#files.rename(file, intent.file);
    } catch (error) {
      if (this.#files.isNotFound(error)) return undefined;
      throw error;
    }
    return intent;
  }

  #newId(self: { pid: number; start: string }): string {
    return `${this.prefix}${self.pid}.${self.start}.${++counter}.${randomWord().toString(36)}`;
  }

  /** Deletes the file of a pending intent (its owner is dead and its work was dealt with). */
  discard(pending: PendingIntent): void {
    this.#files.remove(pending.file);
  }
}

/**
 * One intent record being carried out: update it as steps are done, finish it at the end.
 *
 * @example
 * ```ts
 * import type { Intent } from "./intents.ts";
 *
 * declare const intent: Intent<{ attached?: string }>;
 * intent.update({ attached: "12345" }); // before the step that cannot be undone silently
 * intent.finish();
 * ```
 */
export class Intent<S> {
  /** The folder of the record. */
  readonly dir: string;
  #record: IntentRecord<S>;
  readonly #files: StateFiles;

  /** A handle on `record` in `dir`, written with `files`. */
  constructor(dir: string, record: IntentRecord<S>, files: StateFiles = denoStateFiles) {
    this.dir = dir;
    this.#record = record;
    this.#files = files;
  }

  /** The record as last written. */
  get record(): IntentRecord<S> {
    return this.#record;
  }

  /** The record's file. */
  get file(): string {
    return join(this.dir, this.#record.id + SUFFIX);
  }

  /**
   * Writes a new record straight to its own name: no temporary file and rename, as nothing
   * else has this name yet. A kill during the write leaves a file that reads as `partial`,
   * which is what it is: the operation had not begun to change anything.
   */
  start(): void {
    this.#files.writeText(this.file, JSON.stringify(this.#record));
  }

  /** Replaces the steps, atomically (temporary file, then rename). */
  update(steps: S): void {
    const record = { ...this.#record, steps };
    const temporary = join(this.dir, record.id + TEMPORARY);
    this.#files.writeText(temporary, JSON.stringify(record));
    this.#files.rename(temporary, this.file);
    this.#record = record;
  }

  /**
   * The operation is over and its record lives on elsewhere (a link's record): one rename to
   * `destination`, whose folder must exist.
   */
  moveTo(destination: string): void {
    this.#files.rename(this.file, destination);
  }

  /** The operation is over (done or undone): the record is deleted. */
  finish(): void {
    this.#files.remove(this.file);
  }
}
