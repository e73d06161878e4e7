/**
 * A static file server for tests/url_import_test.ts, started as its own process:
 *
 *   deno run --allow-net=127.0.0.1 --allow-read=<checkout> serve_checkout.ts <checkout> <type> [port]
 *
 * Serves the files below `<checkout>` on 127.0.0.1 (loopback only), `.ts` files with the
 * content type `<type>` (so a test can play a server that gets it wrong, as Python's
 * http.server does), `.json` as application/json. Prints the port it listens on, then one
 * line per request.
 */
import path from "node:path";

const [root, tsType, port = "0"] = Deno.args;
if (!root || !tsType) {
  console.error("usage: serve_checkout.ts <checkout> <content type for .ts> [port]");
  Deno.exit(2);
}
const top = path.resolve(root);

function contentType(file: string): string {
  if (file.endsWith(".ts")) return tsType;
  if (file.endsWith(".json")) return "application/json";
  return "application/octet-stream";
}

Deno.serve({
  hostname: "127.0.0.1",
  port: Number(port),
  onListen: ({ port }) => console.log(port),
}, async (request) => {
  const wanted = decodeURIComponent(new URL(request.url).pathname);
  const file = path.resolve(top, "." + wanted);
  console.log(`${request.method} ${wanted}`);
  // Nothing outside the checkout, whatever the URL says.
  if (file !== top && !file.startsWith(top + path.sep)) {
    return new Response("outside the checkout\n", { status: 403 });
  }
  try {
    return new Response(await Deno.readFile(file), {
      headers: { "content-type": contentType(file) },
    });
  } catch {
    return new Response("not found\n", { status: 404 });
  }
});
