/**
 * The README's "Importing by URL", as a user would meet it: this checkout served over HTTP on
 * 127.0.0.1 by a server of its own (tests/support/serve_checkout.ts, its own process with its
 * own flags), an empty DENO_DIR, and the README's `list.ts` and command line run as root in a
 * private mount namespace, where a link made beforehand must be listed. The server first
 * sends `.ts` as Python's http.server does, then as application/typescript.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { readmeExample } from "./support/readme.ts";
import { describe, namespaceSkipReason, runInNamespace } from "./support/readme_run.ts";

const reason = namespaceSkipReason();
const repo = fileURLToPath(new URL("../", import.meta.url));
const server = fileURLToPath(new URL("./support/serve_checkout.ts", import.meta.url));
const cli = fileURLToPath(new URL("../cli.ts", import.meta.url));
const PYTHON_TS_TYPE = "text/vnd.trolltech.linguist";

/** A server process and the port it listens on. */
interface Server extends AsyncDisposable {
  port: number;
}

async function serve(tsType: string, port = 0): Promise<Server> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      `--allow-read=${repo}`,
      server,
      repo,
      tsType,
      String(port),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the server ended before it listened: ${text}`);
    text += value;
  }
  // Keep reading, so the server never blocks on a full pipe.
  const drained = (async () => {
    while (!(await reader.read()).done) { /* the request log is not needed */ }
  })();
  return {
    port: Number(text.split("\n")[0]),
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      await child.status;
      await drained;
    },
  };
}

Deno.test({
  name: reason
    ? `README, Importing by URL (skipped: ${reason})`
    : "README, Importing by URL: the content type, --allow-import and --reload, as documented",
  ignore: reason !== undefined,
  async fn() {
    const denoDir = await Deno.makeTempDir({ prefix: "bindlink-deno-dir-" });
    try {
      const example = readmeExample("linux", "url");
      const [command] = example.commands;
      assert.ok(command?.includes("--allow-import=127.0.0.1:8000"), command);
      const env = { DENO_DIR: denoDir };

      /** The README's list.ts and command line, on `port`, after making the link v -> b. */
      const run = (port: number, edit = (line: string) => line) => {
        const at = (text: string) => text.replaceAll("127.0.0.1:8000", `127.0.0.1:${port}`);
        const files = new Map([...example.files].map(([name, text]) => [name, at(text)]));
        return runInNamespace(files, [
          `mkdir v b && deno run --allow-ffi --allow-read --allow-write ${cli} create v b`,
          edit(at(command)),
        ], env);
      };

      let port: number;
      {
        await using python = await serve(PYTHON_TS_TYPE);
        port = python.port;
        const bare = await run(port, (line) => line.replace(/ --allow-import=\S+/, ""));
        assert.equal(bare.results[0].code, 0, describe(bare.results[0]));
        assert.notEqual(bare.results[1].code, 0, describe(bare.results[1]));
        assert.match(
          bare.results[1].stderr,
          new RegExp(`Requires import access to "127\\.0\\.0\\.1:${port}"`),
        );
        const wrongType = await run(port);
        assert.notEqual(wrongType.results[1].code, 0, describe(wrongType.results[1]));
        assert.match(
          wrongType.results[1].stderr,
          /Expected a JavaScript or TypeScript module, but identified a Unknown module/,
        );
      }

      await using _fixed = await serve("application/typescript", port);
      const cached = await run(port);
      assert.notEqual(cached.results[1].code, 0, "Deno kept the refused answer in its cache");
      const reloaded = await run(port, (line) => line.replace("deno run ", "deno run --reload "));
      const listed = reloaded.results[1];
      assert.equal(listed.code, 0, describe(listed));
      assert.match(listed.stdout, new RegExp(`virtualPath: "${reloaded.scratch}/v"`));
      assert.match(listed.stdout, new RegExp(`backingPath: "${reloaded.scratch}/b"`));
      const again = await run(port);
      assert.equal(
        again.results[1].code,
        0,
        `after --reload, the cache is right: ${describe(again.results[1])}`,
      );
    } finally {
      await Deno.remove(denoDir, { recursive: true });
    }
  },
});
