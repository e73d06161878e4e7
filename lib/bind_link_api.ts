/**
 * The bind link operations bound to one platform value. Kept apart from the default
 * functions (lib/api.ts), which import every backend, so that the CLI loads only this
 * system's.
 *
 * @module
 */
import { BindLink } from "./bind_link.ts";
import type { BindLinkOptions } from "./options.ts";
import type { BindLinkInfo, Platform } from "./platform.ts";
import { prepareCreate, prepareVirtualPath } from "./prepare.ts";

/** Options for {@linkcode listBindLinks}. */
export interface ListOptions {
  /** Only links whose virtual path is this path or lies below it (any accepted spelling). */
  path?: string;
}

/**
 * The bind link operations bound to one {@linkcode Platform}: use it to pick a platform in
 * code (a test double, a pinned DLL, Linux mounts). Disposing it closes the native library.
 *
 * @example A test double, chosen in code and nowhere else
 * ```ts
 * import { BindLinkApi, windowsPlatform } from "@bindlink/bindlink";
 *
 * using api = new BindLinkApi(windowsPlatform({ libraryPath: "/tmp/libbindlink_double.so" }));
 * const link = await api.createBindLink("C:\\Foo", "C:\\Bar", { merged: true });
 * await link.remove();
 * ```
 */
export class BindLinkApi implements Disposable {
  /** The backend every call goes to. */
  readonly platform: Platform;

  /** Binds the operations to `platform`. */
  constructor(platform: Platform) {
    this.platform = platform;
  }

  /** See {@linkcode createBindLink}. */
  async createBindLink(
    virtualPath: string,
    backingPath: string,
    options?: BindLinkOptions,
  ): Promise<BindLink> {
    const spec = prepareCreate(this.platform, virtualPath, backingPath, options);
    await this.platform.create(spec);
    return new BindLink(spec, this.platform);
  }

  /** See {@linkcode createBindLinkSync}. */
  createBindLinkSync(
    virtualPath: string,
    backingPath: string,
    options?: BindLinkOptions,
  ): BindLink {
    const spec = prepareCreate(this.platform, virtualPath, backingPath, options);
    this.platform.createSync(spec);
    return new BindLink(spec, this.platform);
  }

  /** See {@linkcode removeBindLink}. */
  async removeBindLink(virtualPath: string): Promise<void> {
    await this.platform.remove(prepareVirtualPath(this.platform, virtualPath));
  }

  /** See {@linkcode removeBindLinkSync}. */
  removeBindLinkSync(virtualPath: string): void {
    this.platform.removeSync(prepareVirtualPath(this.platform, virtualPath));
  }

  /** See {@linkcode listBindLinks}. */
  async listBindLinks(options: ListOptions = {}): Promise<BindLinkInfo[]> {
    const keep = this.#listFilter(options);
    return (await this.platform.list()).filter(keep);
  }

  /** See {@linkcode listBindLinksSync}. */
  listBindLinksSync(options: ListOptions = {}): BindLinkInfo[] {
    const keep = this.#listFilter(options);
    return this.platform.listSync().filter(keep);
  }

  #listFilter(options: ListOptions): (link: BindLinkInfo) => boolean {
    if (options.path === undefined) return () => true;
    const root = prepareVirtualPath(this.platform, options.path, "list");
    const rules = this.platform.paths;
    return (link) => rules.same(link.virtualPath, root) || rules.isBelow(link.virtualPath, root);
  }

  /** Closes the platform's native libraries; a later call opens them again. */
  close(): void {
    this.platform.close();
  }

  /** Closes the platform's native libraries at the end of a `using` scope. */
  [Symbol.dispose](): void {
    this.close();
  }
}
