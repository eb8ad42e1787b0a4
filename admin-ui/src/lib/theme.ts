// Light/dark theme: follows `prefers-color-scheme` until the admin picks one with the header's
// toggle; the choice is kept in localStorage and applied as `data-theme` on <html>.

export type Theme = "light" | "dark";
const KEY = "cairn-theme";

export function storedTheme(): Theme | null {
  const v = localStorage.getItem(KEY);
  return v === "light" || v === "dark" ? v : null;
}

/** The theme in effect now (stored choice, else the system's). */
export function currentTheme(): Theme {
  return storedTheme() ?? (window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
}

export function applyTheme(theme: Theme | null): void {
  if (theme) {
    localStorage.setItem(KEY, theme);
    document.documentElement.dataset.theme = theme;
  } else {
    localStorage.removeItem(KEY);
    delete document.documentElement.dataset.theme;
  }
}
