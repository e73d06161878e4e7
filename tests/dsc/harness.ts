/**
 * What `dsc` does with a command resource, written from DSC's contract (its
 * command_resource.rs, as summarized for the project): find `*.dsc.resource.json` in a folder,
 * start `executable` with `args` in the manifest's folder with the instance on stdin, validate
 * every JSON passed in and read back against the instance schema, run test before set (unless
 * `implementsPretest`), get for the before-state, read set's after-state per `return`, parse
 * export's JSON Lines, and read stderr's JSON lines. DSC's canonical `$ref` URLs resolve to
 * definitions supplied here, since the tests have no network.
 */
import Ajv2020 from "npm:ajv@8.17.1/dist/2020.js";

/** What one start of the executable gave back. */
export interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

/** Starts `executable args` in `cwd` with `stdin`: a process, or the CLI in-process. */
export type Executor = (
  executable: string,
  args: readonly string[],
  stdin: string,
  cwd: string,
) => Promise<Exit>;

/** A failed call, as dsc reports it: the exit code, its meaning, and the logged errors. */
export class ResourceError extends Error {
  constructor(
    readonly operation: string,
    readonly code: number,
    readonly meaning: string | undefined,
    readonly errors: string[],
    readonly stdout: string,
  ) {
    super(
      `${operation} exited ${code} (${meaning ?? "no meaning declared"}): ${errors.join("; ")}`,
    );
  }
}

// DSC's canonical properties, as its published schemas define them.
const CANONICAL: Record<string, object> = {
  "https://aka.ms/dsc/schemas/v3/resource/properties/exist.json": {
    $id: "https://aka.ms/dsc/schemas/v3/resource/properties/exist.json",
    type: "boolean",
    enum: [false, true],
  },
  "https://aka.ms/dsc/schemas/v3/resource/properties/inDesiredState.json": {
    $id: "https://aka.ms/dsc/schemas/v3/resource/properties/inDesiredState.json",
    type: ["boolean", "null"],
    readOnly: true,
  },
};

interface Method {
  executable: string;
  args?: string[];
  input?: "stdin" | "env";
  implementsPretest?: boolean;
  handlesExist?: boolean;
  return?: "state" | "stateAndDiff";
}

/** A resource manifest as dsc reads it. */
export interface ResourceManifest {
  $schema: string;
  type: string;
  version: string;
  kind?: string;
  get: Method;
  set?: Method;
  test?: Method;
  export?: Method;
  exitCodes?: Record<string, string>;
  schema: { embedded: Record<string, unknown> };
}

type Instance = Record<string, unknown>;

/** One resource found on a search path, callable as dsc calls it. */
export class Resource {
  readonly #validate: (value: unknown) => boolean;
  readonly #errors: () => string;

  constructor(
    readonly manifest: ResourceManifest,
    readonly folder: string,
    readonly exec: Executor,
  ) {
    // deno-lint-ignore no-explicit-any
    const ajv = new (Ajv2020 as any)({ strict: false, allErrors: true });
    for (const schema of Object.values(CANONICAL)) ajv.addSchema(schema);
    const validate = ajv.compile(manifest.schema.embedded);
    this.#validate = (value) => validate(value) as boolean;
    this.#errors = () => ajv.errorsText(validate.errors);
  }

  /** Validates `value` against the instance schema, as dsc does in both directions. */
  check(value: unknown, what: string): Instance {
    if (!this.#validate(value)) {
      throw new Error(`${what} fails the instance schema: ${this.#errors()}`);
    }
    return value as Instance;
  }

  /** Runs one method with `input` (undefined: no input, as `dsc resource export` sends). */
  async call(name: "get" | "set" | "test" | "export", input?: Instance): Promise<string> {
    const method = this.manifest[name];
    if (!method) throw new Error(`the manifest has no ${name}`);
    if (input !== undefined) this.check(input, `the input of ${name}`);
    if (method.input !== "stdin") throw new Error(`${name}: only stdin input is exercised`);
    const exit = await this.exec(
      method.executable,
      method.args ?? [],
      input === undefined ? "" : JSON.stringify(input),
      this.folder,
    );
    const errors = exit.stderr.split("\n").filter((l) => l.trim()).map((line) => {
      try {
        const parsed = JSON.parse(line);
        return typeof parsed.error === "string" ? parsed.error : line;
      } catch {
        return line;
      }
    });
    if (exit.code !== 0) {
      const meaning = (this.manifest.exitCodes ?? { "0": "Success", "1": "Error" })[
        String(exit.code)
      ];
      throw new ResourceError(name, exit.code, meaning, errors, exit.stdout);
    }
    return exit.stdout;
  }

  #state(stdout: string, what: string): Instance {
    const lines = stdout.split("\n").filter((l) => l.trim());
    if (lines.length !== 1) throw new Error(`${what} printed ${lines.length} lines: ${stdout}`);
    return this.check(JSON.parse(lines[0]), what);
  }

  /** `dsc resource get`. */
  async get(desired: Instance): Promise<Instance> {
    return this.#state(await this.call("get", desired), "get's output");
  }

  /** `dsc resource test`: the resource's own `_inDesiredState`. */
  async test(desired: Instance): Promise<Instance> {
    const state = this.#state(await this.call("test", desired), "test's output");
    if (typeof state._inDesiredState !== "boolean") {
      throw new Error(`test printed no _inDesiredState: ${JSON.stringify(state)}`);
    }
    return state;
  }

  /**
   * `dsc resource set`: test first (unless the set implements it), skip when in desired
   * state, get the before-state, set, and read the after-state as `return` says.
   */
  async set(desired: Instance): Promise<{ before: Instance; after: Instance; skipped: boolean }> {
    const method = this.manifest.set!;
    if (desired._exist === false && !method.handlesExist) throw new Error("dsc would call delete");
    if (!method.implementsPretest && (await this.test(desired))._inDesiredState) {
      const state = await this.get(desired);
      return { before: state, after: state, skipped: true };
    }
    const before = await this.get(desired);
    const stdout = await this.call("set", desired);
    const after = method.return === undefined
      ? await this.get(desired)
      : this.#state(method.return === "state" ? stdout : stdout.split("\n")[0], "set's output");
    return { before, after, skipped: false };
  }

  /** `dsc resource export` (no input) or `dsc config export` (a filter instance). */
  async export(filter?: Instance): Promise<Instance[]> {
    const stdout = await this.call("export", filter);
    return stdout.split("\n").filter((l) => l.trim()).map((line, i) =>
      this.check(JSON.parse(line), `export's line ${i + 1}`)
    );
  }
}

/** Finds the resource of `type` among `*.dsc.resource.json` files in `folder`, as dsc does. */
export function discover(folder: string, type: string, exec: Executor): Resource {
  for (const entry of Deno.readDirSync(folder)) {
    if (!entry.isFile || !entry.name.endsWith(".dsc.resource.json")) continue;
    const manifest = JSON.parse(Deno.readTextFileSync(`${folder}/${entry.name}`));
    if (manifest.type === type) return new Resource(manifest, folder, exec);
  }
  throw new Error(`no ${type} resource manifest in ${folder}`);
}

/** One resource of a configuration document. */
export interface DocumentResource {
  name: string;
  type: string;
  properties: Instance;
  dependsOn?: string[];
}

/**
 * The resources of a configuration document in the order dsc runs them: each after those its
 * `dependsOn` names (`[resourceId('Type','name')]`).
 */
export function dependencyOrder(resources: readonly DocumentResource[]): DocumentResource[] {
  const byKey = new Map(resources.map((r) => [`${r.type}|${r.name}`, r]));
  const done = new Set<DocumentResource>();
  const order: DocumentResource[] = [];
  const visit = (r: DocumentResource, path: DocumentResource[]) => {
    if (done.has(r)) return;
    if (path.includes(r)) throw new Error(`a dependsOn cycle through ${r.name}`);
    for (const dep of r.dependsOn ?? []) {
      const m = /^\[resourceId\('([^']+)',\s*'([^']+)'\)\]$/.exec(dep);
      if (!m) throw new Error(`${r.name}: dependsOn ${dep} is not [resourceId('Type','name')]`);
      const target = byKey.get(`${m[1]}|${m[2]}`);
      if (!target) throw new Error(`${r.name} depends on ${dep}, which the document lacks`);
      visit(target, [...path, r]);
    }
    done.add(r);
    order.push(r);
  };
  for (const r of resources) visit(r, []);
  return order;
}
