/**
 * The CLI's module graph, dynamic imports included, has no cycle: a command module and the
 * help that lists the registry loading it share what both need through a module that
 * imports neither (lib/cli/help.ts), and the same holds for the library behind mod.ts.
 */
import assert from "node:assert/strict";

interface InfoModule {
  specifier: string;
  dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
}

/** Every cycle's first closing edge found by a depth-first walk of `entry`'s graph. */
async function cyclesFrom(entry: string): Promise<string[][]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", new URL(`../../${entry}`, import.meta.url).href],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.equal(output.code, 0, "deno info answers");
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as { modules: InfoModule[] };
  const edges = new Map(
    info.modules.map((m) => [
      m.specifier,
      (m.dependencies ?? []).flatMap((d) => [d.code?.specifier, d.type?.specifier])
        .filter((s): s is string => s !== undefined && s.startsWith("file:")),
    ]),
  );
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (m: string) => {
    state.set(m, "open");
    path.push(m);
    for (const next of edges.get(m) ?? []) {
      if (state.get(next) === "open") cycles.push(path.slice(path.indexOf(next)).concat(next));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(m, "done");
  };
  for (const m of edges.keys()) if (!state.has(m)) visit(m);
  const root = new URL("../../", import.meta.url).href;
  return cycles.map((c) => c.map((s) => s.slice(root.length)));
}

for (const entry of ["cli.ts", "mod.ts"]) {
  Deno.test(`${entry}: no import cycle, dynamic imports included`, async () => {
    assert.deepEqual(await cyclesFrom(entry), []);
  });
}
