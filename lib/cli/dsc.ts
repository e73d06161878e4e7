/**
 * `bindlink dsc get|test|set|export|schema`: bindlink as a DSC v3 command resource
 * (`BindLink/Link`, declared in `bindlink.dsc.resource.json`). `dsc` passes one JSON object on
 * standard input and reads one JSON object back (export: one per line); every message goes to
 * stderr as one JSON line (`{"error": "..."}`), as `dsc` logs them.
 *
 * @module
 */
import { BindLinkError } from "../errors.ts";
import {
  DscInputError,
  parseInstance,
  requireAbsolutePaths,
  resolveInstance,
  resolveVirtualPath,
} from "../dsc/instance.ts";
import { dscExport, dscGet, type DscOptions, dscSet, dscTest } from "../dsc/resource.ts";
import { INSTANCE_SCHEMA } from "../dsc/schema.ts";
import type { CliContext } from "./command.ts";
import type { OptionSpec, ParsedArgs } from "./options.ts";
import { UsageError } from "./usage_error.ts";

/** Help for `dsc`. */
export const help = `Usage: bindlink dsc <get|test|set|export|schema>

The DSC v3 resource BindLink/Link, as dsc (and winget configure) call it through
bindlink.dsc.resource.json: one JSON instance on standard input, such as
  {"virtualPath": "/srv/app", "backingPath": "/srv/releases/v2", "readOnly": true}
and the state as JSON on standard output. Paths must be absolute.

  get     the link at virtualPath as it is ("_exist": false when there is none)
  test    the same, plus "_inDesiredState"
  set     make, replace or (with "_exist": false) remove the link; print the state after
  export  every live link, one JSON object per line (input: nothing, or an object whose
          virtualPath picks one link)
  schema  print the instance's JSON Schema

Exit codes:
  0  done
  1  the operation failed (stderr has one JSON line per message: {"error": "..."})
  2  bad input: not JSON, a missing or relative virtualPath, a wrong type, an unknown property
`;

/** `dsc` has only the common options. */
export const options: OptionSpec = {};

const OPERATIONS = ["get", "test", "set", "export", "schema"] as const;
type Operation = typeof OPERATIONS[number];

function errorLine(context: CliContext, message: string): void {
  context.stderr(JSON.stringify({ error: message }) + "\n");
}

async function perform(operation: Operation, context: CliContext): Promise<string> {
  if (operation === "schema") return JSON.stringify(INSTANCE_SCHEMA) + "\n";
  const text = await context.readInput();
  const platform = await context.platform();
  const dsc: DscOptions = { platform, stateDir: context.stateDir };
  if (operation === "export") {
    // dsc config export passes a whole instance; only its virtual path picks the link.
    const filter = parseInstance(text, true);
    const virtualPath = filter && resolveVirtualPath(filter.virtualPath, platform);
    return (await dscExport(virtualPath, dsc)).map((s) => JSON.stringify(s) + "\n").join("");
  }
  const instance = parseInstance(text)!;
  requireAbsolutePaths(instance, platform);
  // get reports what is there, whatever the rest of the instance asks for.
  const state = operation === "get"
    ? await dscGet(resolveVirtualPath(instance.virtualPath, platform), dsc)
    : await (operation === "test" ? dscTest : dscSet)(resolveInstance(instance, platform), dsc);
  return JSON.stringify(state) + "\n";
}

/** Runs `dsc`. */
export async function run(args: ParsedArgs, context: CliContext): Promise<number> {
  const [operation, ...extra] = args.positionals;
  if (!OPERATIONS.includes(operation as Operation) || extra.length) {
    throw new UsageError(
      operation === undefined
        ? `dsc needs an operation: ${OPERATIONS.join(", ")}`
        : extra.length
        ? `dsc ${operation} takes its instance on standard input, not as arguments`
        : `unknown dsc operation "${operation}" (the operations are ${OPERATIONS.join(", ")})`,
      "dsc",
    );
  }
  try {
    context.stdout(await perform(operation as Operation, context));
    return 0;
  } catch (error) {
    if (error instanceof DscInputError) {
      errorLine(context, `bad input: ${error.message}; nothing was changed`);
      return 2;
    }
    if (error instanceof BindLinkError) {
      errorLine(context, error.message);
      return 1;
    }
    throw error;
  }
}
