// Pinned collections: names kept in localStorage (per browser), shown first in the sidebar.

const KEY = "cairn.pinnedCollections";

export function loadPins(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

export function savePins(pins: string[]): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(pins));
  } catch {
    // Storage full or disabled: pins then last for this page only.
  }
}
