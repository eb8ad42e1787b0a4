import { clsx, type ClassValue } from "clsx";

/**
 * Class joiner for components that end up in browser bundles (the ones client components
 * import): plain clsx, because tailwind-merge adds ~9 KB gzipped to every page. Callers must
 * not pass classes that conflict with the component's own; server-only components use `cn`.
 */
export function cx(...inputs: ClassValue[]): string {
  return clsx(inputs);
}
