// Tokenizer for PocketBase's filter/rule language, mirroring the server's lexer
// (server/src/query/lexer.rs) so the console reports the same syntax errors the server would,
// but with the offset of the offending character (the server only logs a message).

export type TokenKind = "ident" | "text" | "number" | "sign" | "and" | "or" | "lparen" | "rparen" | "comma";

export interface Token {
  kind: TokenKind;
  /** The token as written (for text: without the quotes, escapes resolved). */
  value: string;
  /** Offset of the first character in the expression. */
  start: number;
  /** Offset just past the last character. */
  end: number;
}

export class FilterSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

export const SIGNS = ["=", "!=", ">", ">=", "<", "<=", "~", "!~", "?=", "?!=", "?>", "?>=", "?<", "?<=", "?~", "?!~"];

const isIdentStart = (c: string): boolean => /[A-Za-z_@#]/.test(c);
const isIdentChar = (c: string): boolean => /[A-Za-z0-9_@#.:]/.test(c);
const isSignChar = (c: string): boolean => "=!><~?".includes(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";

/** Splits `input` into tokens; whitespace and `// comments` are skipped. Throws FilterSyntaxError. */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, value: string, start: number): void => {
    tokens.push({ kind, value, start, end: i });
  };
  while (i < input.length) {
    const c = input[i];
    const start = i;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "/" && input[i + 1] === "/") {
      while (i < input.length && input[i] !== "\n") i++;
    } else if (c === "(" || c === ")" || c === ",") {
      i++;
      push(c === "(" ? "lparen" : c === ")" ? "rparen" : "comma", c, start);
    } else if (c === "&" || c === "|") {
      while (i < input.length && (input[i] === "&" || input[i] === "|")) i++;
      const lit = input.slice(start, i);
      if (lit !== "&&" && lit !== "||") throw new FilterSyntaxError(`Invalid join operator "${lit}" (use && or ||).`, start);
      push(lit === "&&" ? "and" : "or", lit, start);
    } else if (c === "'" || c === '"') {
      i++;
      let text = "";
      let closed = false;
      while (i < input.length) {
        const ch = input[i++];
        if (ch === "\\" && i < input.length && "\\'\"".includes(input[i])) {
          text += input[i++];
          continue;
        }
        if (ch === c) { closed = true; break; }
        text += ch;
      }
      if (!closed) throw new FilterSyntaxError("Unterminated quoted text.", start);
      push("text", text, start);
    } else if (isDigit(c) || (c === "-" && isDigit(input[i + 1]))) {
      i++;
      while (i < input.length && (isDigit(input[i]) || input[i] === ".")) i++;
      const lit = input.slice(start, i);
      if (lit.endsWith(".") || Number.isNaN(Number(lit)) || (lit.match(/\./g) ?? []).length > 1) {
        throw new FilterSyntaxError(`Invalid number "${lit}".`, start);
      }
      push("number", lit, start);
    } else if (isIdentStart(c)) {
      while (i < input.length && isIdentChar(input[i])) i++;
      const lit = input.slice(start, i);
      if (!/[A-Za-z0-9_]$/.test(lit)) throw new FilterSyntaxError(`Invalid identifier "${lit}".`, start);
      push("ident", lit, start);
    } else if (isSignChar(c)) {
      while (i < input.length && isSignChar(input[i])) i++;
      const lit = input.slice(start, i);
      if (!SIGNS.includes(lit)) throw new FilterSyntaxError(`Invalid operator "${lit}".`, start);
      push("sign", lit, start);
    } else {
      throw new FilterSyntaxError(`Unexpected character "${c}".`, start);
    }
  }
  return tokens;
}
