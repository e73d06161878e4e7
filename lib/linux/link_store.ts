/**
 * What the Linux backend remembers about each link it made, so that `remove` (possibly in
 * another process) undoes exactly what `create` did. Records live in a tmpfs folder
 * (/run/bindlink by default), so like the mounts they vanish at reboot.
 *
 * @module
 */

/** Something create made that remove must delete again. */
export interface CreatedPath {
  /** Absolute path. */
  path: string;
  /** What it is. */
  kind: "directory" | "file";
}

/** One link, as created. */
export interface LinkRecord {
  /** Where the link is mounted. */
  virtualPath: string;
  /** What it shows. */
  backingPath: string;
  /** Mounted read-only. */
  readOnly: boolean;
  /** An overlay mount. */
  merged: boolean;
  /** Exception paths, bound back over the link. */
  exceptions: string[];
  /** The mountinfo ID of the link's mount, to tell a live record from a stale one. */
  mountId: number;
  /** Paths made for the mount, in the order made: removed in reverse. */
  created: CreatedPath[];
}

// FNV-1a, 64 bits: a file name of fixed length for a path of any length.
function fileNameFor(virtualPath: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(virtualPath)) {
    hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  }
  return hash.toString(16).padStart(16, "0") + ".json";
}

/** The folder of link records. */
export class LinkStore {
  /** The folder. */
  readonly dir: string;

  /** A store in `dir`, which is created on first write. */
  constructor(dir: string) {
    this.dir = dir.replace(/\/+$/, "");
  }

  /** Creates the folder, readable by root only. */
  ensureDir(): void {
    Deno.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** The record for `virtualPath`, if any. */
  read(virtualPath: string): LinkRecord | undefined {
    let text;
    try {
      text = Deno.readTextFileSync(`${this.dir}/${fileNameFor(virtualPath)}`);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
    const record = JSON.parse(text) as LinkRecord;
    return record.virtualPath === virtualPath ? record : undefined;
  }

  /** Every record. */
  list(): LinkRecord[] {
    const records: LinkRecord[] = [];
    try {
      for (const entry of Deno.readDirSync(this.dir)) {
        if (!entry.name.endsWith(".json")) continue;
        try {
          records.push(JSON.parse(Deno.readTextFileSync(`${this.dir}/${entry.name}`)));
        } catch {
          // a record being written right now; it is not a link yet
        }
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return records;
  }

  /** Writes `record` atomically: a reader sees the old record or the new, never half. */
  write(record: LinkRecord): void {
    this.ensureDir();
    const file = `${this.dir}/${fileNameFor(record.virtualPath)}`;
    const temporary = `${file}.${Deno.pid}.tmp`;
    Deno.writeTextFileSync(temporary, JSON.stringify(record, null, 2), { mode: 0o600 });
    Deno.renameSync(temporary, file);
  }

  /** Forgets the record for `virtualPath`. */
  delete(virtualPath: string): void {
    try {
      Deno.removeSync(`${this.dir}/${fileNameFor(virtualPath)}`);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
}
