/**
 * The Linux backend: bind links as bind mounts (plain, read-only) and overlay mounts
 * (merged), with exceptions bound back over the link.
 *
 * mount(2) and umount2(2) are called synchronously, also from the async API: errno is
 * per thread, and a `nonblocking` FFI call runs on another thread, so its errno could not be
 * read back. These calls are local and return in microseconds.
 *
 * @module
 */
import path from "node:path";
import { BindLinkError, type BindLinkErrorInit, type BindLinkOperation } from "../errors.ts";
import { NativeLibrary } from "../native_library.ts";
import type { BindLinkInfo, LinkSpec, Platform } from "../platform.ts";
import { UndoList } from "../undo.ts";
import { ERRNO, errnoName, explainErrno, RUN_AS_ROOT } from "./errno.ts";
import {
  cString,
  type libcSymbols,
  MNT_DETACH,
  MS_BIND,
  MS_RDONLY,
  MS_REC,
  MS_REMOUNT,
  openLibc,
} from "./libc_ffi.ts";
import { type CreatedPath, type LinkRecord, LinkStore } from "./link_store.ts";
import { type MountEntry, readMountInfo, topMountAt } from "./mountinfo.ts";
import { linuxPathRules } from "./paths.ts";
import { effectiveUid } from "./proc.ts";

/** Options for {@linkcode linuxPlatform}. */
export interface LinuxPlatformOptions {
  /**
   * Where link records are kept, so that `remove` undoes exactly what `create` did. Default
   * `/run/bindlink` (tmpfs: records vanish at reboot, as the mounts do).
   */
  stateDir?: string;
}

type Kind = "directory" | "file";

/** The operation and paths every error of one call carries. */
interface Where {
  operation: BindLinkOperation;
  virtualPath: string;
  backingPath?: string;
}

/** A failed libc call, before it is put into words. */
class SystemCallError extends Error {
  constructor(readonly call: string, readonly errno: number) {
    super(`${call} failed with errno ${errno}`);
  }
}

function kindOf(file: string): Kind | undefined {
  try {
    return Deno.statSync(file).isDirectory ? "directory" : "file";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    throw error;
  }
}

function makeEmpty(file: string, kind: Kind): void {
  if (kind === "directory") Deno.mkdirSync(file);
  else Deno.writeFileSync(file, new Uint8Array(), { createNew: true });
}

function removeEmpty(file: string): void {
  try {
    Deno.removeSync(file);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

// overlayfs splits its options on "," and lower layers on ":"; a backslash escapes both.
function overlayEscape(dir: string): string {
  return dir.replace(/[\\,:]/g, (c) => "\\" + c);
}

/** `record` when its mount is still in `mounts`, so the record is not stale. */
function isLive(record: LinkRecord | undefined, mounts: readonly MountEntry[]) {
  return record &&
      mounts.some((m) => m.id === record.mountId && m.mountPoint === record.virtualPath)
    ? record
    : undefined;
}

class LinuxMounts implements Platform {
  readonly name = "linux";
  readonly paths = linuxPathRules;
  readonly #store: LinkStore;
  readonly #libc = new NativeLibrary<typeof libcSymbols>(openLibc);

  constructor(options: LinuxPlatformOptions) {
    this.#store = new LinkStore(options.stateDir ?? "/run/bindlink");
  }

  cwd(): string {
    return Deno.cwd();
  }

  create(spec: LinkSpec): Promise<void> {
    return Promise.resolve().then(() => this.createSync(spec));
  }

  remove(virtualPath: string): Promise<void> {
    return Promise.resolve().then(() => this.removeSync(virtualPath));
  }

  // Placeholder until listing lands (issue 7 / issue 8); it refuses rather than lies.
  listSync(): BindLinkInfo[] {
    throw new BindLinkError({
      code: "unknown",
      operation: "list",
      summary: "listing links is not built yet",
      hint: "Update bindlink.",
    });
  }

  list(): Promise<BindLinkInfo[]> {
    return Promise.resolve().then(() => this.listSync());
  }

  close(): void {
    this.#libc.close();
  }

  createSync(spec: LinkSpec): void {
    const where = {
      operation: "create" as const,
      virtualPath: spec.virtualPath,
      backingPath: spec.backingPath,
    };
    try {
      this.#create(spec, where);
    } catch (error) {
      throw error instanceof BindLinkError ? error : this.#explain(error, where, []);
    }
  }

  removeSync(virtualPath: string): void {
    try {
      this.#remove(virtualPath);
    } catch (error) {
      throw error instanceof BindLinkError
        ? error
        : this.#explain(error, { operation: "remove", virtualPath }, []);
    }
  }

  #create(spec: LinkSpec, where: Where): void {
    const fail = (init: Omit<BindLinkErrorInit, "operation">) =>
      new BindLinkError({ ...where, ...init });
    this.#requireRoot(where);
    const backingKind = kindOf(spec.backingPath);
    if (!backingKind) {
      throw fail({
        code: "not-found",
        summary: "the backing path does not exist",
        hint: "Check the backing path; create it first if it is meant to be empty.",
      });
    }
    const virtualKind = kindOf(spec.virtualPath);
    const parent = path.posix.dirname(spec.virtualPath);
    if (!virtualKind && kindOf(parent) !== "directory") {
      throw fail({
        code: "not-found",
        summary: `the virtual path's parent folder ${parent} does not exist`,
        hint: "Create the parent folder first; only the last component may be missing.",
      });
    }
    if (virtualKind && virtualKind !== backingKind) {
      throw fail({
        code: "invalid-path",
        summary: `the virtual path is a ${virtualKind} and the backing path a ${backingKind}`,
        hint: "On Linux a folder can only be bound over a folder and a file over a file " +
          "(Windows also shows a file over a folder).",
      });
    }
    if (spec.merged && backingKind !== "directory") {
      throw fail({
        code: "invalid-argument",
        summary: "a merged link needs folders, and the backing path is a file",
        hint: "Drop --merged, or link folders.",
      });
    }
    if (spec.exceptions.length && !virtualKind) {
      throw fail({
        code: "invalid-argument",
        summary: "exceptions are refused when the virtual path does not exist (an anchorless link)",
        hint: "Create the virtual folder first, or drop the exceptions.",
      });
    }
    const exceptionKinds = spec.exceptions.map((exception) => {
      const kind = kindOf(exception);
      if (!kind) {
        throw fail({
          code: "not-found",
          summary: `the exception path ${exception} does not exist`,
          hint: "Exceptions must exist when the link is created.",
        });
      }
      return kind;
    });
    if (this.#liveRecord(spec.virtualPath)) {
      throw fail({
        code: "already-exists",
        summary: "a bind link already exists at the virtual path",
        hint: "Remove it first (bindlink remove <virtual>), or choose another virtual path.",
      });
    }

    const undo = new UndoList();
    try {
      this.#mountLink(spec, backingKind, virtualKind, exceptionKinds, undo);
      undo.commit();
    } catch (error) {
      const rollbackErrors = undo.rollback();
      throw this.#explain(error, where, rollbackErrors);
    }
  }

  #mountLink(
    spec: LinkSpec,
    backingKind: Kind,
    virtualKind: Kind | undefined,
    exceptionKinds: Kind[],
    undo: UndoList,
  ): void {
    const created: CreatedPath[] = [];
    const made = (file: string, kind: Kind) => {
      makeEmpty(file, kind);
      created.push({ path: file, kind });
      undo.push(() => removeEmpty(file));
    };
    this.#store.ensureDir();
    const id = crypto.randomUUID().slice(0, 8);
    // Anchorless: Linux mounts need a mount point, so one is made, and removed with the link.
    if (!virtualKind) made(spec.virtualPath, backingKind);

    // Hold on to each exception's original content before the link covers it.
    const stashes = spec.exceptions.map((exception, i) => {
      const stash = `${this.#store.dir}/${id}.stash${i}`;
      makeEmpty(stash, exceptionKinds[i]);
      undo.push(() => removeEmpty(stash));
      this.#mount(exception, stash, null, MS_BIND | MS_REC, null);
      undo.push(() => this.#umount(stash, MNT_DETACH));
      return stash;
    });

    if (spec.merged) {
      let options = `lowerdir=${overlayEscape(spec.backingPath)}:${
        overlayEscape(spec.virtualPath)
      }`;
      if (!spec.readOnly) {
        // Writable merge: the backing path is the upper layer, so new files land there.
        const work = path.posix.join(
          path.posix.dirname(spec.backingPath),
          `.bindlink-work.${path.posix.basename(spec.backingPath)}.${id}`,
        );
        made(work, "directory");
        options = `lowerdir=${overlayEscape(spec.virtualPath)},upperdir=${
          overlayEscape(spec.backingPath)
        },workdir=${overlayEscape(work)}`;
      }
      this.#mount("overlay", spec.virtualPath, "overlay", 0n, options);
    } else {
      this.#mount(spec.backingPath, spec.virtualPath, null, MS_BIND | MS_REC, null);
    }
    undo.push(() => this.#umount(spec.virtualPath, MNT_DETACH));

    spec.exceptions.forEach((exception, i) => {
      if (!kindOf(exception)) {
        // The backing path has nothing at this place: a mount point is made (inside the
        // backing path, seen through the link) and removed with the link.
        const relative = path.posix.relative(spec.virtualPath, exception);
        made(path.posix.join(spec.backingPath, relative), exceptionKinds[i]);
      }
      this.#mount(stashes[i], exception, null, MS_BIND | MS_REC, null);
    });
    if (spec.readOnly && !spec.merged) {
      this.#mount(null, spec.virtualPath, null, MS_REMOUNT | MS_BIND | MS_RDONLY, null);
    }
    for (const stash of stashes) {
      this.#umount(stash, MNT_DETACH);
      removeEmpty(stash);
    }
    const mount = topMountAt(readMountInfo(), spec.virtualPath);
    if (!mount) throw new Error(`the mount at ${spec.virtualPath} is missing from mountinfo`);
    const record: LinkRecord = {
      virtualPath: spec.virtualPath,
      backingPath: spec.backingPath,
      readOnly: spec.readOnly,
      merged: spec.merged,
      exceptions: [...spec.exceptions],
      mountId: mount.id,
      created,
    };
    this.#store.write(record);
    undo.push(() => this.#store.delete(spec.virtualPath));
  }

  #remove(virtualPath: string): void {
    const where = { operation: "remove" as const, virtualPath };
    const fail = (init: Omit<BindLinkErrorInit, "operation">) =>
      new BindLinkError({ ...where, ...init });
    this.#requireRoot(where);
    // One look at the mounts serves every check below.
    const mounts = readMountInfo();
    const record = this.#store.read(virtualPath);
    const live = isLive(record, mounts);
    if (!live) {
      if (record) this.#store.delete(virtualPath); // stale: its mount is gone (or elsewhere)
      const isMountPoint = topMountAt(mounts, virtualPath) !== undefined;
      throw fail({
        code: "not-found",
        summary: isMountPoint
          ? "there is a mount here, but not a link bindlink made"
          : "there is no bind link at this path",
        hint: isMountPoint
          ? `bindlink only removes its own links; use umount ${virtualPath} for other mounts.`
          : "Check the spelling of the virtual path; links vanish at reboot.",
      });
    }
    const nested = this.#store.list().filter((other) =>
      linuxPathRules.isBelow(other.virtualPath, virtualPath) && isLive(other, mounts)
    );
    if (nested.length) {
      throw fail({
        code: "busy",
        summary: `another bind link lives below this one (${
          nested.map((n) => n.virtualPath).join(", ")
        })`,
        hint: "Remove the links nested below it first, deepest first, then remove this one.",
      });
    }
    const top = topMountAt(mounts, virtualPath);
    if (top?.id !== live.mountId) {
      throw fail({
        code: "busy",
        summary: "another mount has been stacked on top of the link",
        hint: `Unmount what covers ${virtualPath} first.`,
      });
    }
    try {
      // One detach takes the link and its exception mounts together: never half removed.
      this.#umount(virtualPath, MNT_DETACH);
    } catch (error) {
      throw this.#explain(error, where, []);
    }
    this.#store.delete(virtualPath);
    const leftovers: string[] = [];
    for (const made of [...live.created].reverse()) {
      try {
        if (made.kind === "directory" && made.path.includes("/.bindlink-work.")) {
          Deno.removeSync(made.path, { recursive: true });
        } else {
          removeEmpty(made.path);
        }
      } catch {
        leftovers.push(made.path);
      }
    }
    if (leftovers.length) {
      throw fail({
        code: "busy",
        summary: `the link is gone, but ${leftovers.join(", ")} could not be deleted`,
        hint: "Something was put there after the link was made; check and delete it by hand.",
      });
    }
  }

  #requireRoot(where: Where) {
    const uid = effectiveUid();
    if (uid !== 0) {
      throw new BindLinkError({
        ...where,
        code: "access-denied",
        summary: `bind mounts need root, and this process runs as uid ${uid}`,
        hint: RUN_AS_ROOT,
      });
    }
  }

  /** The record of the link at `virtualPath` when its mount is still there. */
  #liveRecord(virtualPath: string, mounts = readMountInfo()): LinkRecord | undefined {
    return isLive(this.#store.read(virtualPath), mounts);
  }

  #mount(
    source: string | null,
    target: string,
    fsType: string | null,
    flags: bigint,
    data: string | null,
  ) {
    const libc = this.#libc.symbols;
    const result = libc.mount(
      source === null ? null : cString(source),
      cString(target),
      fsType === null ? null : cString(fsType),
      flags,
      data === null ? null : cString(data),
    );
    if (result !== 0) throw new SystemCallError(`mount(${target})`, this.#errno());
  }

  #umount(target: string, flags: number) {
    const libc = this.#libc.symbols;
    if (libc.umount2(cString(target), flags) !== 0) {
      throw new SystemCallError(`umount2(${target})`, this.#errno());
    }
  }

  #errno(): number {
    const location = this.#libc.symbols.__errno_location();
    return location ? new Deno.UnsafePointerView(location).getInt32() : -1;
  }

  #strerror(errno: number): string | undefined {
    const text = this.#libc.symbols.strerror(errno);
    return text ? Deno.UnsafePointerView.getCString(text) : undefined;
  }

  #explain(
    error: unknown,
    where: Where,
    rollbackErrors: unknown[],
  ): BindLinkError {
    const leftover = rollbackErrors.length
      ? ` Undoing the partial link also failed (${rollbackErrors.map(String).join("; ")}).`
      : "";
    if (error instanceof SystemCallError) {
      const meaning = explainErrno(error.errno, where.operation);
      return new BindLinkError({
        ...where,
        ...meaning,
        hint: meaning.hint + leftover,
        errno: error.errno,
        errnoName: errnoName(error.errno),
        systemMessage: this.#strerror(error.errno),
        cause: error,
      });
    }
    const osCode = (error as { code?: unknown }).code;
    const osErrno = typeof osCode === "string" ? ERRNO[osCode as keyof typeof ERRNO] : undefined;
    if (osErrno !== undefined && !(error instanceof Deno.errors.NotCapable)) {
      // A file operation of Deno's (creating a mount point, a work folder) failed.
      return this.#explain(new SystemCallError(String(error), osErrno), where, rollbackErrors);
    }
    if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
      return new BindLinkError({
        ...where,
        code: "access-denied",
        summary: error instanceof Deno.errors.NotCapable
          ? "Deno's permissions do not cover what the link needs"
          : "a file needed for the link could not be written",
        hint: (error instanceof Deno.errors.NotCapable
          ? "Run with --allow-ffi --allow-read --allow-write: bindlink calls libc, reads " +
            "/proc/self and both paths, and writes mount points and its state folder."
          : RUN_AS_ROOT) + leftover,
        systemMessage: error.message,
        cause: error,
      });
    }
    return new BindLinkError({
      ...where,
      code: "unknown",
      summary: "an unexpected error stopped the operation",
      hint: "Nothing was left half-done; report this message if it persists." + leftover,
      systemMessage: error instanceof Error ? error.message : String(error),
      cause: error,
    });
  }
}

/**
 * The Linux backend: bind links as bind mounts, merged links as overlay mounts. Needs root.
 *
 * @example
 * ```ts
 * import { BindLinkApi, linuxPlatform } from "@bindlink/bindlink";
 *
 * using api = new BindLinkApi(linuxPlatform());
 * await using link = await api.createBindLink("/srv/app/config", "/etc/app/staging", {
 *   readOnly: true,
 * });
 * ```
 */
export function linuxPlatform(options: LinuxPlatformOptions = {}): Platform {
  return new LinuxMounts(options);
}
