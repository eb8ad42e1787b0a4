// Syntax check of a rule or filter expression, mirroring the server's recursive-descent parser
// (server/src/query/parser.rs): the same grammar, the same limits, an error with an offset.

import { FilterSyntaxError, tokenize, type Token } from "./tokenize";

export const MAX_LENGTH = 3500;
export const MAX_COMPARISONS = 200;
const MAX_FUNCTION_DEPTH = 2;
const MAX_GROUP_DEPTH = 64;

export type CheckResult = { ok: true } | { ok: false; message: string; offset: number };

/** An empty expression is valid (an empty rule means "everyone"; an empty filter, "all"). */
export function checkRule(expr: string): CheckResult {
  if (expr.trim() === "" || tokenizeOrNull(expr)?.length === 0) return { ok: true };
  if (expr.length > MAX_LENGTH) return { ok: false, message: `The expression is too long (over ${MAX_LENGTH} characters).`, offset: MAX_LENGTH };
  try {
    const p = new Parser(tokenize(expr), expr.length);
    p.orExpr();
    const extra = p.peek();
    if (extra) throw new FilterSyntaxError(`Unexpected ${describe(extra)}: expected && or || before it.`, extra.start);
    if (p.comparisons > MAX_COMPARISONS) throw new FilterSyntaxError(`Too many comparisons (over ${MAX_COMPARISONS}).`, 0);
    return { ok: true };
  } catch (e) {
    if (e instanceof FilterSyntaxError) return { ok: false, message: e.message, offset: e.offset };
    throw e;
  }
}

function tokenizeOrNull(expr: string): Token[] | null {
  try { return tokenize(expr); } catch { return null; }
}

function describe(t: Token | undefined): string {
  if (!t) return "end of expression";
  switch (t.kind) {
    case "text": return `text '${t.value}'`;
    case "number": return `number ${t.value}`;
    case "ident": return `"${t.value}"`;
    default: return `"${t.value}"`;
  }
}

class Parser {
  private pos = 0;
  private depth = 0;
  comparisons = 0;
  constructor(private readonly tokens: Token[], private readonly length: number) {}

  peek(): Token | undefined { return this.tokens[this.pos]; }
  private next(): Token | undefined { return this.tokens[this.pos++]; }
  private fail(message: string, t: Token | undefined): never {
    throw new FilterSyntaxError(message, t ? t.start : this.length);
  }

  orExpr(): void {
    this.andExpr();
    while (this.peek()?.kind === "or") { this.pos++; this.andExpr(); }
  }
  private andExpr(): void {
    this.term();
    while (this.peek()?.kind === "and") { this.pos++; this.term(); }
  }
  private term(): void {
    const first = this.peek();
    if (first?.kind === "lparen") {
      this.pos++;
      if (++this.depth > MAX_GROUP_DEPTH) this.fail("Too deeply nested.", first);
      this.orExpr();
      this.depth--;
      const close = this.next();
      if (close?.kind !== "rparen") this.fail(`Missing closing bracket for the one opened here; found ${describe(close)}.`, close ?? first);
      return;
    }
    this.operand(0);
    const sign = this.next();
    if (sign?.kind !== "sign") this.fail(`Expected an operator (=, !=, >, ~, …), found ${describe(sign)}.`, sign);
    this.operand(0);
    this.comparisons++;
  }
  private operand(depth: number): void {
    const t = this.next();
    if (t?.kind === "text" || t?.kind === "number") return;
    if (t?.kind !== "ident") this.fail(`Expected a field, text or number, found ${describe(t)}.`, t);
    if (this.peek()?.kind !== "lparen") return;
    if (depth >= MAX_FUNCTION_DEPTH || /[.:@#]/.test(t.value)) this.fail(`Invalid function call "${t.value}".`, t);
    this.pos++;
    if (this.peek()?.kind === "rparen") { this.pos++; return; }
    for (;;) {
      this.operand(depth + 1);
      const sep = this.next();
      if (sep?.kind === "comma") continue;
      if (sep?.kind === "rparen") return;
      this.fail(`Expected "," or ")" in the call to ${t.value}, found ${describe(sep)}.`, sep);
    }
  }
}
