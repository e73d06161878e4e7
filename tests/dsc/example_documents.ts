/** The example configuration documents of examples/, read as dsc reads them (YAML). */
import { parse } from "npm:yaml@2.8.1";
import type { DocumentResource } from "./harness.ts";

/** A configuration document's resources and metadata. */
export interface ConfigDocument {
  $schema: string;
  metadata?: { "Microsoft.DSC"?: { securityContext?: string } };
  resources: DocumentResource[];
}

/** Reads `examples/links.<os>.dsc.yaml`. */
export function exampleDocument(os: "linux" | "windows"): ConfigDocument {
  const url = new URL(`../../examples/links.${os}.dsc.yaml`, import.meta.url);
  return parse(Deno.readTextFileSync(url)) as ConfigDocument;
}
