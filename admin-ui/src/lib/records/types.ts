// Shapes the record panel's inputs edit (the text the admin types, before conversion).

/** A geoPoint as typed: two numbers as text, so a half-typed "-" is not lost. */
export interface GeoText { lon: string; lat: string }

/** A file field being edited: files kept, files marked for removal, new uploads. */
export interface FileState { kept: string[]; removed: string[]; added: File[] }
