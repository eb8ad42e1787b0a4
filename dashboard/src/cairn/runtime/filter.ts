/**
 * `client.filter(expr, params)`: replaces each `{:name}` placeholder with its value written as
 * a filter literal (strings JSON-quoted so quotes and backslashes cannot end them early,
 * dates as `"YYYY-MM-DD HH:MM:SS.sssZ"`, objects and arrays as quoted JSON), the way
 * PocketBase's SDK does, so user input never becomes filter syntax.
 */

/** A value a filter placeholder accepts. */
export type FilterValue = string | number | boolean | null | undefined | Date | readonly unknown[] | { [key: string]: unknown };

function literal(v: FilterValue): string {
  if (v === null || v === undefined) {
    return "null";
  }
  switch (typeof v) {
    case "boolean":
    case "number":
      return String(v);
    case "string":
      return JSON.stringify(v);
  }
  if (v instanceof Date) {
    return JSON.stringify(v.toISOString().replace("T", " "));
  }
  return JSON.stringify(JSON.stringify(v));
}

export function filter(expr: string, params?: Record<string, FilterValue>): string {
  if (!params) {
    return expr;
  }
  for (const key in params) {
    expr = expr.split("{:" + key + "}").join(literal(params[key]));
  }
  return expr;
}
