/**
 * The README's runnable examples, as the tests read them. A fenced block is an example when an
 * HTML comment right before it says so:
 *
 * - `<!-- example linux library: example.ts -->`: the block is the file `example.ts` of the
 *   example `library` on Linux (`linux windows` for both);
 * - `<!-- example linux library: run -->`: the block is the commands that run it, one a line.
 *
 * Nothing in a block is changed but the package's specifier (`jsr:@bindlink/bindlink`, and
 * `/cli` after it), which becomes this checkout's mod.ts or cli.ts, so the code under test is
 * this checkout's and not whatever JSR serves.
 */
import { fileURLToPath } from "node:url";

/** The checkout's README.md. */
export const readmePath = fileURLToPath(new URL("../../README.md", import.meta.url));
const modUrl = new URL("../../mod.ts", import.meta.url);
const cliUrl = new URL("../../cli.ts", import.meta.url);

/** One example for one platform: its files and the commands that run it. */
export interface Example {
  name: string;
  /** File name -> content, the package's specifier already pointed at this checkout. */
  files: Map<string, string>;
  /** The lines of its `run` block, in order. */
  commands: string[];
}

export type ExamplePlatform = "linux" | "windows";

/**
 * Points the package's specifier at this checkout: in code as a file URL, on a command line
 * (`inCommand`) as a plain path, as a user of a clone would write it.
 */
export function localSpecifiers(text: string, inCommand = false): string {
  const to = (url: URL) => inCommand ? fileURLToPath(url) : url.href;
  return text
    .replaceAll("jsr:@bindlink/bindlink/cli", to(cliUrl))
    .replaceAll("jsr:@bindlink/bindlink", to(modUrl));
}

const MARK = /^<!-- example ([a-z ]+?) ([a-z-]+): ([A-Za-z0-9_.-]+) -->$/;

/** Every example of `platform` in `markdown`, by name. */
export function readmeExamples(
  platform: ExamplePlatform,
  markdown = Deno.readTextFileSync(readmePath),
): Map<string, Example> {
  const lines = markdown.split("\n");
  const examples = new Map<string, Example>();
  for (let i = 0; i < lines.length; i++) {
    const mark = MARK.exec(lines[i]);
    if (!mark) continue;
    const [, platforms, name, what] = mark;
    // The comment, a blank line (deno fmt puts one there), then the fence.
    let open = i + 1;
    while (lines[open] === "") open++;
    if (!lines[open]?.startsWith("```")) {
      throw new Error(`README.md:${i + 1}: an example mark with no code block after it`);
    }
    const close = lines.indexOf("```", open + 1);
    if (close < 0) throw new Error(`README.md:${open + 1}: a code block that never ends`);
    i = close;
    if (!platforms.split(" ").includes(platform)) continue;
    const body = lines.slice(open + 1, close);
    const example: Example = examples.get(name) ?? { name, files: new Map(), commands: [] };
    examples.set(name, example);
    if (what === "run") {
      example.commands.push(
        ...body.filter((l) => l.trim() !== "").map((l) => localSpecifiers(l, true)),
      );
    } else {
      example.files.set(what, localSpecifiers(body.join("\n") + "\n"));
    }
  }
  return examples;
}

/** The example `name`, which must exist. */
export function readmeExample(platform: ExamplePlatform, name: string): Example {
  const example = readmeExamples(platform).get(name);
  if (!example) throw new Error(`README.md has no ${platform} example "${name}"`);
  return example;
}
