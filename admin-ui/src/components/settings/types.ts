import { pb } from "../../lib/pb";

// The settings document `GET /api/settings` returns (PocketBase's shape), as far as the
// console edits it. Secrets (`smtp.password`, `s3.secret`) are write-only: never returned,
// and an empty one in a PATCH keeps the stored value.

export interface S3Config {
  enabled: boolean; bucket: string; region: string; endpoint: string;
  accessKey: string; secret?: string; forcePathStyle: boolean;
}
export interface RateLimitRule { label: string; audience: string; duration: number; maxRequests: number }
export interface SettingsDoc {
  meta: { appName: string; appURL: string; senderName: string; senderAddress: string; hideControls: boolean };
  smtp: { enabled: boolean; host: string; port: number; username: string; password?: string; authMethod: string; tls: boolean; localName: string };
  s3: S3Config;
  backups: { cron: string; cronMaxKeep: number; s3: S3Config };
  rateLimits: { enabled: boolean; rules: RateLimitRule[]; excludedIPs?: string[] };
  trustedProxy: { headers: string[]; useLeftmostIP: boolean };
  batch: { enabled: boolean; maxRequests: number; timeout: number; maxBodySize: number };
  logs: { maxDays: number; minLevel: number; logIP: boolean; logAuthId: boolean; maxDataSize?: number };
}

export async function loadSettings(): Promise<SettingsDoc> {
  return (await pb.settings.getAll()) as SettingsDoc;
}
