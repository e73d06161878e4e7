/**
 * The JSON Schema of one `BindLink/Link` instance, as `dsc` validates every JSON it passes to
 * bindlink and reads back. It is embedded in `bindlink.dsc.resource.json` and printed by
 * `bindlink dsc schema`; a test keeps the two equal.
 *
 * @module
 */

/** DSC's canonical `_exist` property, referenced (the manifest schema rejects a copy). */
export const EXIST_REF = "https://aka.ms/dsc/schemas/v3/resource/properties/exist.json";
/** DSC's canonical `_inDesiredState` property, which `test` returns. */
export const IN_DESIRED_STATE_REF =
  "https://aka.ms/dsc/schemas/v3/resource/properties/inDesiredState.json";

/** The resource's type name, as configuration documents and `dsc resource list` name it. */
export const RESOURCE_TYPE = "BindLink/Link";

/**
 * The instance schema.
 *
 * @example
 * ```ts
 * import { INSTANCE_SCHEMA } from "./schema.ts";
 *
 * console.log(Object.keys(INSTANCE_SCHEMA.properties));
 * ```
 */
export const INSTANCE_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://jsr.io/@bindlink/bindlink/dsc/link.schema.json",
  title: RESOURCE_TYPE,
  description: "One bind link: a local virtual path and the backing path it shows. Paths are " +
    "absolute. On Windows, the exceptions of a link bindlink did not make are unknown (the " +
    "system does not report them) and read back as an empty list.",
  type: "object",
  required: ["virtualPath"],
  additionalProperties: false,
  properties: {
    virtualPath: {
      type: "string",
      title: "Virtual path",
      description: "Where the link appears, as an absolute path. It names the instance.",
    },
    backingPath: {
      type: "string",
      title: "Backing path",
      description: "What the link shows, as an absolute path (on Windows also " +
        "\\\\server\\share\\...). Required unless _exist is false.",
    },
    readOnly: {
      type: "boolean",
      title: "Read-only",
      description: "Files of the backing path cannot be changed through the link.",
      default: false,
    },
    merged: {
      type: "boolean",
      title: "Merged",
      description: "The virtual path's own entries stay visible beside the backing path's.",
      default: false,
    },
    exceptions: {
      type: "array",
      items: { type: "string" },
      title: "Exceptions",
      description: "Absolute paths below the virtual path that keep their original content.",
      default: [],
    },
    _exist: { $ref: EXIST_REF },
    _inDesiredState: { $ref: IN_DESIRED_STATE_REF },
  },
} as const;
