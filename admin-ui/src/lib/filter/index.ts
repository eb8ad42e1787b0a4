// The filter/rule language on the console side: tokenizer, syntax check and autocomplete,
// pure TypeScript (no Svelte) so any screen — rules, record filters — can use it.

export { tokenize, FilterSyntaxError, type Token, type TokenKind } from "./tokenize";
export { checkRule, type CheckResult, MAX_LENGTH } from "./check";
export { completions, MACROS, type Completion } from "./complete";
export { contextFromCollections, collectionInfo, type FilterContext, type CollectionInfo, type FieldInfo } from "./context";
