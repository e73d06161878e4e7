/**
 * bindlink's record of each Windows link it made with exceptions. `BfGetMappings` does not
 * report a link's exceptions, so without this a listing (and DSC's `test`, `status`, `apply`)
 * could not see them. A record is believed only while the listing shows its link exactly as
 * recorded (backing path and flags), and only from a folder no one but administrators can
 * change: by default `<ProgramData>\bindlink\links`, which bindlink makes with an ACL for
 * SYSTEM and Administrators only. The files themselves are kept by record_files.ts.
 *
 * @module
 */
import type { BindLinkInfo, LinkSpec } from "../platform.ts";
import type { RecordFiles } from "./record_files.ts";

/** A record as it is stored. */
interface StoredRecord {
  version: 1;
  virtualPath: string;
  backingPath: string;
  readOnly: boolean;
  merged: boolean;
  exceptions: string[];
}

// FNV-1a, 64 bits, over the identity's UTF-16 units: a short, fixed-length file name.
function recordName(identity: string): string {
  let hash = 0xcbf2_9ce4_8422_2325n;
  for (let i = 0; i < identity.length; i++) {
    hash ^= BigInt(identity.charCodeAt(i));
    hash = (hash * 0x100_0000_01b3n) & 0xFFFF_FFFF_FFFF_FFFFn;
  }
  return `${hash.toString(16).padStart(16, "0")}.json`;
}

/** What the store needs of the platform's path rules. */
export interface RecordPaths {
  /** The identity of an absolute path. */
  identify(path: string): string;
  /** True when both name one place. */
  same(a: string, b: string): boolean;
}

/**
 * The link records of one platform.
 *
 * @example
 * ```ts
 * import { LinkRecordStore } from "./link_records.ts";
 * import { programDataRecordFiles } from "./record_files.ts";
 * import { windowsPathRules } from "./paths.ts";
 *
 * const store = new LinkRecordStore(programDataRecordFiles(), windowsPathRules);
 * console.log(store.withExceptions([]));
 * ```
 */
export class LinkRecordStore {
  constructor(readonly files: RecordFiles, readonly paths: RecordPaths) {}

  /** Records `spec` after it was made (with its exceptions), or forgets an older record. */
  remember(spec: LinkSpec): void {
    const name = recordName(this.paths.identify(spec.virtualPath));
    if (!spec.exceptions.length) {
      this.files.remove(name);
      return;
    }
    const record: StoredRecord = {
      version: 1,
      virtualPath: spec.virtualPath,
      backingPath: spec.backingPath,
      readOnly: spec.readOnly,
      merged: spec.merged,
      exceptions: [...spec.exceptions],
    };
    this.files.write(name, JSON.stringify(record));
  }

  /** Forgets the record of the link at `virtualPath` (it was removed). */
  forget(virtualPath: string): void {
    this.files.remove(recordName(this.paths.identify(virtualPath)));
  }

  /** `live` with the recorded exceptions of each link its record describes exactly. */
  withExceptions(live: BindLinkInfo[]): BindLinkInfo[] {
    return live.map((link) => {
      const text = this.files.read(recordName(this.paths.identify(link.virtualPath)));
      if (text === undefined) return link;
      let record: StoredRecord;
      try {
        record = JSON.parse(text);
      } catch {
        return link; // torn or foreign: not believed
      }
      const exact = record.version === 1 && Array.isArray(record.exceptions) &&
        typeof record.virtualPath === "string" && typeof record.backingPath === "string" &&
        this.paths.same(record.virtualPath, link.virtualPath) &&
        this.paths.same(record.backingPath, link.backingPath) &&
        record.readOnly === link.readOnly && record.merged === link.merged;
      return exact ? { ...link, exceptions: record.exceptions } : link;
    });
  }
}
