/**
 * A platform made of plain data, with the Linux path rules: it keeps its links in a map,
 * records every call, and fails the next call of a kind when told to. For the code above the
 * backends (BindLink, BindLinkApi, the CLI's helpers), which only need a Platform value.
 */
import type { BindLinkInfo, LinkSpec, Platform } from "../../mod.ts";
import { linuxPathRules } from "../../lib/linux/path_rules.ts";

/** A Platform whose links are a map, with a record of what was asked of it. */
export class FakePlatform implements Platform {
  readonly name = "fake";
  readonly paths = linuxPathRules;
  readonly reportsExceptions = true;
  readonly privateRun = false;
  /** The live links, by virtual path. */
  readonly links = new Map<string, BindLinkInfo>();
  /** Every call, as `"<method> <argument>"`, in order. */
  readonly calls: string[] = [];
  /** The error the next remove or removeSync throws (once). */
  failNextRemove: Error | undefined;
  /** How many times close() was called. */
  closed = 0;

  /** Starts with `links` live. */
  constructor(links: readonly LinkSpec[] = []) {
    for (const link of links) this.links.set(link.virtualPath, link);
  }

  cwd(): string {
    return "/work-dir";
  }

  create(spec: LinkSpec): Promise<void> {
    return Promise.resolve().then(() => this.createSync(spec));
  }

  createSync(spec: LinkSpec): void {
    this.calls.push(`create ${spec.virtualPath}`);
    this.links.set(spec.virtualPath, spec);
  }

  checkCreate(): Promise<void> {
    return Promise.resolve();
  }

  checkCreateSync(): void {}

  remove(virtualPath: string): Promise<void> {
    return Promise.resolve().then(() => this.removeSync(virtualPath));
  }

  removeSync(virtualPath: string): void {
    this.calls.push(`remove ${virtualPath}`);
    const error = this.failNextRemove;
    this.failNextRemove = undefined;
    if (error) throw error;
    this.links.delete(virtualPath);
  }

  list(): Promise<BindLinkInfo[]> {
    return Promise.resolve().then(() => this.listSync());
  }

  listSync(): BindLinkInfo[] {
    this.calls.push("list");
    return [...this.links.values()];
  }

  forwardsInterrupt(): boolean {
    return false;
  }

  close(): void {
    this.closed++;
  }
}

/** A plain link from `virtualPath` to `backingPath`, with `extra` fields. */
export function spec(
  virtualPath: string,
  backingPath: string,
  extra: Partial<LinkSpec> = {},
): LinkSpec {
  return { virtualPath, backingPath, readOnly: false, merged: false, exceptions: [], ...extra };
}
