/**
 * `POST /api/gtm/campaigns/{id}/analyze` through the SDK's `send`: per metric the campaign's
 * value, the benchmark's quartiles and a verdict, plus the slugs of coaching templates that fit.
 * The reply is checked field by field, so a server change shows up as "no data", not a crash.
 */
import type { Client } from "@/cairn";

export type Verdict = "below" | "typical" | "above";

export interface MetricVerdict {
  metric: string;
  value: number;
  p25: number;
  median: number;
  p75: number;
  unit: string;
  verdict: Verdict;
  source: string;
}

export interface Analysis {
  metrics: MetricVerdict[];
  templates: string[];
}

const VERDICTS: readonly string[] = ["below", "typical", "above"];

function n(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

function s(v: unknown): string {
  return typeof v === "string" ? v : "";
}

export function parseAnalysis(raw: unknown): Analysis {
  const obj = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const list = Array.isArray(obj["metrics"]) ? (obj["metrics"] as unknown[]) : [];
  const metrics: MetricVerdict[] = [];
  for (const item of list) {
    if (!item || typeof item !== "object") continue;
    const m = item as Record<string, unknown>;
    const verdict = s(m["verdict"]);
    if (!VERDICTS.includes(verdict)) continue;
    metrics.push({
      metric: s(m["metric"]),
      value: n(m["value"]),
      p25: n(m["p25"]),
      median: n(m["median"]),
      p75: n(m["p75"]),
      unit: s(m["unit"]),
      verdict: verdict as Verdict,
      source: s(m["source"]),
    });
  }
  const t = obj["templates"];
  const templates = Array.isArray(t) ? t.map((x) => (typeof x === "string" ? x : s((x as Record<string, unknown> | null)?.["slug"]))).filter(Boolean) : [];
  return { metrics, templates };
}

export async function analyze(client: Client, campaignId: string): Promise<Analysis> {
  const raw = await client.send<unknown>(`/api/gtm/campaigns/${encodeURIComponent(campaignId)}/analyze`, { method: "POST" });
  return parseAnalysis(raw);
}

/** `open_rate` → `Open rate`. */
export function metricLabel(metric: string): string {
  const words = metric.replace(/_/g, " ");
  return words === "ctr" ? "CTR" : words === "cpl" ? "Cost per lead" : words.charAt(0).toUpperCase() + words.slice(1);
}

export function formatValue(v: number, unit: string): string {
  const r = Math.round(v * 100) / 100;
  if (unit === "%") return `${r}%`;
  if (unit === "$" || unit === "USD") return `$${r}`;
  return unit ? `${r} ${unit}` : String(r);
}
