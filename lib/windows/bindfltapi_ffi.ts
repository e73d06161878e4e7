/**
 * The symbol table of the bind link API: `CreateBindLink` and `RemoveBindLink` (bindlink.h),
 * exported on Windows as shipped by `System32\bindfltapi.dll`, and `BfGetMappings`, the
 * filter's own listing call from the same DLL. Each function appears twice: a blocking form
 * for the `...Sync` API and a `nonblocking` form, run on a worker thread, for the async API,
 * so a link to a slow network share does not freeze the event loop.
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

const bfGetMappingsParameters = [
  "u32", // ULONG flags (BINDFLT_GET_MAPPINGS_FLAG_*)
  "pointer", // HANDLE job (NULL unless BINDFLT_GET_MAPPINGS_FLAG_SILO)
  "buffer", // PCWSTR path (a path on the volume to list, with FLAG_VOLUME)
  "pointer", // PSID sid (NULL unless BINDFLT_GET_MAPPINGS_FLAG_USER)
  "buffer", // PULONG bufferSize (in: the buffer's bytes; out: the bytes needed)
  "buffer", // PBYTE buffer
] as const;

/** The bind link DLL's functions, as `Deno.dlopen` needs them. */
export const bindfltapiSymbols = {
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
  /**
   * HRESULT BfGetMappings(ULONG, HANDLE, PCWSTR, PSID, PULONG, PBYTE). Optional: a DLL with
   * only the documented pair (a `bindlink.dll`) can still create and remove links.
   */
  BfGetMappings: { parameters: bfGetMappingsParameters, result: "i32", optional: true },
  BfGetMappingsNonblocking: {
    name: "BfGetMappings",
    parameters: bfGetMappingsParameters,
    result: "i32", // HRESULT
    nonblocking: true,
    optional: true,
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** The two functions a DLL must export to be the bind link API. */
export const REQUIRED_EXPORTS = ["CreateBindLink", "RemoveBindLink"] as const;

/** `CREATE_BIND_LINK_FLAG_READ_ONLY` */
export const CREATE_BIND_LINK_FLAG_READ_ONLY = 0x1;
/** `CREATE_BIND_LINK_FLAG_MERGED` */
export const CREATE_BIND_LINK_FLAG_MERGED = 0x2;
/** `BINDFLT_GET_MAPPINGS_FLAG_VOLUME`: the links rooted on the volume that holds `path`. */
export const BINDFLT_GET_MAPPINGS_FLAG_VOLUME = 0x1;
