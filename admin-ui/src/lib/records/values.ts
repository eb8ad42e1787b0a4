// The record panel's editing model: what each input edits (`initialValue`) and how the
// edited values become the request body (`toBody`), including the file modifiers
// (`FIELD+` appends, `FIELD-` removes) and the checks made before the server sees anything.
import type { CollectionField, RecordModel } from "pocketbase";
import type { FileState, GeoText } from "./types";

export type Value = string | string[] | boolean | GeoText | FileState;

const many = (f: CollectionField): boolean => Number(f.maxSelect ?? 1) > 1;
const str = (v: unknown): string => (v === null || v === undefined ? "" : String(v));
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v ? [String(v)] : []);

/** The fields the panel offers: all but secrets the server keeps (tokenKey). */
export function panelFields(fields: CollectionField[]): CollectionField[] {
  return fields.filter((f) => !(f.system && f.hidden && f.type !== "password"));
}

export function initialValue(f: CollectionField, r: RecordModel | null, copy = false): Value {
  const v: unknown = r?.[f.name];
  switch (f.type) {
    case "bool": return v === true;
    case "number": return v === null || v === undefined ? "" : String(v);
    case "select":
    case "relation": return many(f) ? list(v) : str(Array.isArray(v) ? v[0] : v);
    case "json": return v === null || v === undefined ? "" : JSON.stringify(v, null, 2);
    case "geoPoint": {
      const p = (v ?? {}) as { lon?: number; lat?: number };
      return { lon: String(p.lon ?? 0), lat: String(p.lat ?? 0) };
    }
    // A duplicate starts without files: they belong to the original record.
    case "file": return { kept: copy ? [] : list(v), removed: [], added: [] };
    case "password": return "";
    default: return copy && f.name === "id" ? "" : str(v);
  }
}

export interface Built { data: Record<string, unknown>; problems: Record<string, string> }

export function toBody(fields: CollectionField[], values: Record<string, Value>, creating: boolean, confirm: string): Built {
  const data: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (v === undefined || f.type === "autodate") continue;
    if (f.name === "id") { if (creating && v !== "") data.id = v; continue; }
    switch (f.type) {
      case "number": {
        // A type=number input binds a number, or null when emptied.
        if (v === "" || v === null) { if (!creating) data[f.name] = null; break; }
        const n = Number(v);
        if (Number.isNaN(n)) problems[f.name] = "Not a number."; else data[f.name] = n;
        break;
      }
      case "json": {
        const text = String(v).trim();
        if (text === "") { data[f.name] = null; break; }
        try { data[f.name] = JSON.parse(text); } catch { problems[f.name] = "Invalid JSON."; }
        break;
      }
      case "geoPoint": {
        const g = v as GeoText;
        const lon = Number(g.lon), lat = Number(g.lat);
        const blank = (x: unknown): boolean => x === null || String(x).trim() === "";
        if (blank(g.lon) || Number.isNaN(lon) || Math.abs(lon) > 180) problems[f.name] = "Longitude must be from -180 to 180.";
        else if (blank(g.lat) || Number.isNaN(lat) || Math.abs(lat) > 90) problems[f.name] = "Latitude must be from -90 to 90.";
        else data[f.name] = { lon, lat };
        break;
      }
      case "file": {
        const s = v as FileState;
        if (creating || !many(f)) {
          if (s.added.length) data[f.name] = many(f) ? s.added : s.added[0];
          else if (!creating && s.removed.length) data[`${f.name}-`] = s.removed;
        } else {
          if (s.added.length) data[`${f.name}+`] = s.added;
          if (s.removed.length) data[`${f.name}-`] = s.removed;
        }
        break;
      }
      case "password": {
        if (v === "") break;
        if (v !== confirm) { problems.passwordConfirm = "The passwords do not match."; break; }
        data[f.name] = v;
        data.passwordConfirm = confirm;
        break;
      }
      default: data[f.name] = v;
    }
  }
  return { data, problems };
}
