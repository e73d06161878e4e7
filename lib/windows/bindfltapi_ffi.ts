/**
 * The symbol table of `bindlink.dll` (bindlink.h). Each function appears twice: a blocking
 * form for the `...Sync` API and a `nonblocking` form, run on a worker thread, for the async
 * API, so a link to a slow network share does not freeze the event loop.
 *
 * @module
 */

const createBindLinkParameters = [
  "buffer", // PCWSTR virtualPath
  "buffer", // PCWSTR backingPath
  "u32", // CREATE_BIND_LINK_FLAGS createBindLinkFlags
  "u32", // UINT32 exceptionCount
  "buffer", // PCWSTR const* exceptionPaths (NULL when exceptionCount is 0)
] as const;

const removeBindLinkParameters = [
  "buffer", // PCWSTR virtualPath
] as const;

/** `bindlink.dll`'s functions, as `Deno.dlopen` needs them. */
export const bindlinkSymbols = {
  /** HRESULT CreateBindLink(PCWSTR, PCWSTR, CREATE_BIND_LINK_FLAGS, UINT32, PCWSTR const*) */
  CreateBindLink: { parameters: createBindLinkParameters, result: "i32" /* HRESULT */ },
  CreateBindLinkNonblocking: {
    name: "CreateBindLink",
    parameters: createBindLinkParameters,
    result: "i32", // HRESULT
    nonblocking: true,
  },
  /** HRESULT RemoveBindLink(PCWSTR virtualPath) */
  RemoveBindLink: { parameters: removeBindLinkParameters, result: "i32" /* HRESULT */ },
  RemoveBindLinkNonblocking: {
    name: "RemoveBindLink",
    parameters: removeBindLinkParameters,
    result: "i32", // HRESULT
    nonblocking: true,
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** `CREATE_BIND_LINK_FLAG_READ_ONLY` */
export const CREATE_BIND_LINK_FLAG_READ_ONLY = 0x1;
/** `CREATE_BIND_LINK_FLAG_MERGED` */
export const CREATE_BIND_LINK_FLAG_MERGED = 0x2;
