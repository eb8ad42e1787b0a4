// Which columns the records table shows, per collection, remembered in localStorage so the
// choice survives a reload. Only the hidden names are stored: a field added later shows up.
import type { CollectionField, CollectionModel } from "pocketbase";

const key = (collection: string): string => `cairn.records.hidden.${collection}`;

export function loadHidden(collection: string): string[] {
  try {
    const raw = localStorage.getItem(key(collection));
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

export function saveHidden(collection: string, hidden: string[]): void {
  try {
    localStorage.setItem(key(collection), JSON.stringify(hidden));
  } catch {
    // Private mode or a full quota: the choice just lasts for this visit.
  }
}

/** The fields that can be columns: everything but secrets (password, tokenKey). */
export function columnFields(c: CollectionModel): CollectionField[] {
  return c.fields.filter((f) => f.type !== "password" && !(f.system && f.hidden));
}
