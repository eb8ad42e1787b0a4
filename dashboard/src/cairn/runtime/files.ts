/**
 * File URLs (`/api/files/{collection}/{record}/{name}`, with `thumb`, `download` and a file
 * token for protected files) and `POST /api/files/token`.
 */

import type { Http } from "./http.js";
import type { QueryValue, RequestOptions } from "./types.js";

export interface FileURLOptions {
  /** A thumb size the field allows (`100x100`, `0x50`, `200x200t`, …). */
  thumb?: string;
  /** A file token from `getToken()` (protected files). */
  token?: string;
  /** Serve as an attachment. */
  download?: boolean;
  query?: Record<string, QueryValue>;
}

export class FileService {
  constructor(private readonly http: Http) {}

  /** The URL of one of a record's files ("" when the record or name is missing). */
  getURL(
    record: { id: string; collectionId?: string; collectionName?: string },
    filename: string,
    options: FileURLOptions = {},
  ): string {
    const collection = record.collectionId || record.collectionName;
    if (!filename || !record.id || !collection) {
      return "";
    }
    const path =
      "/api/files/" + encodeURIComponent(collection) + "/" + encodeURIComponent(record.id) + "/" + encodeURIComponent(filename);
    return this.http.url(path, {
      ...options.query,
      thumb: options.thumb,
      token: options.token,
      download: options.download ? 1 : undefined,
    });
  }

  /** A short-lived token that opens protected files for the signed-in record. */
  async getToken(options?: RequestOptions): Promise<string> {
    const res = await this.http.send<{ token: string }>("/api/files/token", { ...options, method: "POST" });
    return res.token;
  }
}
