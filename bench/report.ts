/**
 * The bench's output: one table of measured numbers, their baselines, the ratio, the target
 * and PASS/FAIL, and notes where a number needs words (a floor, an error).
 *
 * @module
 */

/** A target on a ratio: at most (`<=`) or at least (`>=`) `limit`. */
export interface Target {
  readonly op: "<=" | ">=";
  readonly limit: number;
}

/** One line of the table. */
export interface Row {
  /** What was measured. */
  readonly name: string;
  /** bindlink's number, with its unit. */
  readonly measured: string;
  /** The baseline's number, with its unit and what it is. */
  readonly baseline?: string;
  /** measured / baseline (or baseline / measured for "times faster" targets). */
  readonly ratio?: number;
  /** The target for `ratio`; without one the row is information. */
  readonly target?: Target;
  /** A note printed under the table, keyed to the row. */
  readonly note?: string;
  /** Set when the measurement itself failed. */
  readonly error?: string;
}

/** PASS, FAIL, ERROR, or "info" for a row without a target. */
export function verdict(row: Row): "PASS" | "FAIL" | "ERROR" | "info" {
  if (row.error !== undefined) return "ERROR";
  if (!row.target || row.ratio === undefined) return "info";
  const { op, limit } = row.target;
  return (op === "<=" ? row.ratio <= limit : row.ratio >= limit) ? "PASS" : "FAIL";
}

/** Microseconds, from milliseconds, for the table. */
export function us(ms: number): string {
  return `${(ms * 1000).toFixed(ms < 0.01 ? 2 : 1)} us`;
}

/** Milliseconds for the table. */
export function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}

/** Prints `sections` as one markdown table, then the notes, and returns the failure count. */
export function printReport(sections: ReadonlyMap<string, readonly Row[]>): number {
  const header = ["#", "measurement", "bindlink", "baseline", "ratio", "target", "result"];
  const lines: string[][] = [];
  const notes: string[] = [];
  let failures = 0;
  for (const [section, rows] of sections) {
    rows.forEach((row, i) => {
      const result = verdict(row);
      if (result === "FAIL" || result === "ERROR") failures++;
      const mark = row.note || row.error ? `[${notes.length + 1}]` : "";
      if (row.error) notes.push(`${mark} ${row.name}: ${row.error}`);
      else if (row.note) notes.push(`${mark} ${row.note}`);
      lines.push([
        i === 0 ? section : "",
        row.name + (mark ? ` ${mark}` : ""),
        row.error ? "-" : row.measured,
        row.baseline ?? "",
        row.ratio === undefined ? "" : `${row.ratio.toFixed(2)}x`,
        row.target ? `${row.target.op} ${row.target.limit}x` : "",
        result,
      ]);
    });
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
  console.log(format(header));
  console.log(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
  for (const line of lines) console.log(format(line));
  if (notes.length) console.log("\n" + notes.join("\n"));
  return failures;
}
