/**
 * Run by tests/windows/loader_test.ts in a fresh Windows Deno process, with the flags the
 * README documents for the CLI (`--allow-ffi --allow-read --allow-write`): drives the default platform (nothing injected) through cli.ts and
 * mod.ts, then asks the module loaded from `System32\<argument>` what it saw, and prints one
 * JSON object. A fresh process per scenario, because a DLL once loaded stays the module for
 * its path for the rest of a process.
 */
import { main } from "../../cli.ts";
import { BindLinkError, createBindLink, listBindLinks, removeBindLink } from "../../mod.ts";
import { system32Path } from "../../lib/windows/system_root.ts";

async function cli(...args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: (t) => stdout += t, stderr: (t) => stderr += t });
  return { code, stdout, stderr };
}

function described(error: unknown) {
  return error instanceof BindLinkError ? error.toJSON() : { thrown: String(error) };
}

const out: Record<string, unknown> = {};
try {
  // The double keeps its links in the module, where Windows keeps them in the filter: the
  // plain functions load it first (pinned, as a user's call would) and keep it loaded, so the
  // CLI, which closes what it opened after each command, does not unload it in between.
  out.listBefore = await listBindLinks();
  const control = Deno.dlopen(system32Path(Deno.args[0]), {
    double_link_count: { parameters: [], result: "u32" },
    double_helper_value: { parameters: [], result: "i32", optional: true },
  });
  out.cliCreate = await cli("create", "C:\\Foo", "C:\\Bar", "--read-only");
  out.cliDuplicate = await cli("create", "c:\\foo\\", "C:\\Other", "--json");
  out.libDuplicate = await createBindLink("C:\\FOO", "C:\\Other").then(
    () => "created",
    described,
  );
  const merged = await createBindLink("C:\\Merged", "\\\\server\\share\\dir", { merged: true });
  out.cliList = await cli("list", "--json");
  out.libList = await listBindLinks();
  out.linkCount = control.symbols.double_link_count();
  out.helperValue = control.symbols.double_helper_value?.() ?? null;
  await merged.remove();
  out.cliRemove = await cli("remove", "C:\\Foo");
  await removeBindLink("C:\\Foo").catch((error) => out.removeAgain = described(error));
  out.linkCountAfter = control.symbols.double_link_count();
  out.listAfter = await listBindLinks();
  control.close();
} catch (error) {
  out.failed = described(error);
}
console.log(JSON.stringify(out));
