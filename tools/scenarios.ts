/**
 * The documented bind link scenarios (../shared/bindlink-api.md, from Microsoft's overview),
 * as data with their expected outcome, and a runner that checks them on a live platform.
 * Used by the demo (to show them) and by the end-to-end tests (to assert them).
 */
import path from "node:path";
import type { BindLinkOptions } from "../mod.ts";

/** One scenario: a tree of files, a link, and what should be seen through it. */
export interface Scenario {
  name: string;
  /** Files to create, relative to the scenario's folder; content is the file's name. */
  files: string[];
  /** Folders to create besides those holding files. */
  dirs?: string[];
  virtual: string;
  backing: string;
  options: BindLinkOptions;
  /** Folder (relative) to the sorted names expected in it while the link lives. */
  listings: Record<string, string[]>;
  /** File (relative) to whether it should be writable through the link. */
  writable?: Record<string, boolean>;
  /** Where the platforms differ, said in words. */
  note?: string;
}

/** The scenarios; `os` picks the expectation where Linux differs from Windows. */
export function scenarios(os: "windows" | "linux"): Scenario[] {
  const two = ["Foo/Cat.txt", "Foo/Dog.txt", "Bar/Cow.txt", "Bar/Mouse.txt"];
  const sub = ["Foo/Sub/Foo_sub.txt", "Bar/Sub/Bar_sub.txt"];
  return [
    {
      name: "shadow link",
      files: two,
      virtual: "Foo",
      backing: "Bar",
      options: {},
      listings: { Foo: ["Cow.txt", "Mouse.txt"] },
    },
    {
      name: "merged link",
      files: two,
      virtual: "Foo",
      backing: "Bar",
      options: { merged: true },
      listings: { Foo: ["Cat.txt", "Cow.txt", "Dog.txt", "Mouse.txt"] },
    },
    {
      name: "subdirectories, not merged",
      files: sub,
      virtual: "Foo",
      backing: "Bar",
      options: {},
      listings: { "Foo/Sub": ["Bar_sub.txt"] },
    },
    {
      name: "subdirectories, merged",
      files: sub,
      virtual: "Foo",
      backing: "Bar",
      options: { merged: true },
      listings: { "Foo/Sub": ["Bar_sub.txt", "Foo_sub.txt"] },
    },
    {
      name: "read-only and merged",
      files: ["Foo/Cat.txt", "Bar/Cow.txt"],
      virtual: "Foo",
      backing: "Bar",
      options: { readOnly: true, merged: true },
      listings: { Foo: ["Cat.txt", "Cow.txt"] },
      writable: { "Foo/Cat.txt": os === "windows", "Foo/Cow.txt": false },
      note: os === "linux"
        ? "Linux: a read-only overlay is read-only as a whole, so Cat.txt is read-only too."
        : undefined,
    },
    {
      name: "read-only link",
      files: ["Foo/Cat.txt", "Bar/Cow.txt"],
      virtual: "Foo",
      backing: "Bar",
      options: { readOnly: true },
      listings: { Foo: ["Cow.txt"] },
      writable: { "Foo/Cow.txt": false, "Bar/Cow.txt": true },
    },
    {
      name: "exception",
      files: ["Foo/Bar/Cat.txt", "Foo/Baz/Dog.txt", "Target/Cow.txt"],
      virtual: "Foo",
      backing: "Target",
      options: { exceptions: ["Foo/Baz"] },
      listings: { Foo: ["Baz", "Cow.txt"], "Foo/Baz": ["Dog.txt"] },
    },
    {
      name: "anchorless link (the virtual path does not exist)",
      files: ["Bar/Cow.txt"],
      virtual: "Virtual",
      backing: "Bar",
      options: {},
      listings: { Virtual: ["Cow.txt"] },
    },
  ];
}

/** What makes links for a scenario: a BindLinkApi, or the CLI driven as a user would. */
export interface Linker {
  createBindLink(
    virtualPath: string,
    backingPath: string,
    options?: BindLinkOptions,
  ): Promise<{ remove(): Promise<void> }>;
}

/** One expectation, checked. */
export interface Check {
  what: string;
  expected: string;
  actual: string;
  ok: boolean;
}

function list(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return ["(does not exist)"];
    throw error;
  }
}

function writable(file: string): boolean {
  try {
    Deno.openSync(file, { append: true }).close();
    return true;
  } catch {
    return false;
  }
}

/** Every entry below `dir`, relative, sorted: to compare a tree before and after. */
export function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string, prefix: string) => {
    for (const entry of Deno.readDirSync(at)) {
      const relative = prefix + entry.name;
      out.push(entry.isDirectory ? relative + "/" : relative);
      if (entry.isDirectory) walk(path.join(at, entry.name), relative + "/");
    }
  };
  walk(dir, "");
  return out.sort();
}

/**
 * Builds the scenario's files under `root` (a fresh, empty folder), creates the link through
 * `api`, checks what is seen, removes the link and checks the original view is back.
 */
export async function runScenario(
  api: Linker,
  root: string,
  scenario: Scenario,
): Promise<Check[]> {
  const at = (relative: string) => path.join(root, ...relative.split("/"));
  for (const dir of scenario.dirs ?? []) Deno.mkdirSync(at(dir), { recursive: true });
  for (const file of scenario.files) {
    Deno.mkdirSync(path.dirname(at(file)), { recursive: true });
    Deno.writeTextFileSync(at(file), path.basename(file));
  }
  const before = snapshot(root);
  const checks: Check[] = [];
  const check = (what: string, expected: unknown, actual: unknown) =>
    checks.push({
      what,
      expected: JSON.stringify(expected),
      actual: JSON.stringify(actual),
      ok: JSON.stringify(expected) === JSON.stringify(actual),
    });
  const link = await api.createBindLink(at(scenario.virtual), at(scenario.backing), {
    ...scenario.options,
    exceptions: scenario.options.exceptions?.map(at),
  });
  try {
    for (const [dir, names] of Object.entries(scenario.listings)) {
      check(`${dir} lists`, names, list(at(dir)));
    }
    for (const [file, expected] of Object.entries(scenario.writable ?? {})) {
      const mode = (w: boolean) => w ? "writable" : "read-only";
      check(`${file} through the link is`, mode(expected), mode(writable(at(file))));
    }
  } finally {
    await link.remove();
  }
  check("after remove, the tree is as before", before, snapshot(root));
  return checks;
}
