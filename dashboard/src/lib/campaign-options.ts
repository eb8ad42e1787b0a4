/** Select options of campaigns, typed by the generated schema (a wrong value fails tsc). */
import type { CampaignsRecord } from "@/cairn";

type Option<T> = { value: T; label: string };

export const CHANNELS: readonly Option<Exclude<CampaignsRecord["channel"], "">>[] = [
  { value: "cold_email", label: "Cold email" },
  { value: "linkedin", label: "LinkedIn" },
  { value: "paid_ads", label: "Paid ads" },
  { value: "content", label: "Content" },
  { value: "events", label: "Events" },
  { value: "partnerships", label: "Partnerships" },
];

export const STATUSES: readonly Option<Exclude<CampaignsRecord["status"], "">>[] = [
  { value: "draft", label: "Draft" },
  { value: "active", label: "Active" },
  { value: "paused", label: "Paused" },
  { value: "done", label: "Done" },
];

export function channelLabel(c: string): string {
  return CHANNELS.find((o) => o.value === c)?.label ?? c;
}

/** A date field's value for `<input type="date">` (the server stores `YYYY-MM-DD hh:mm:ss.sssZ`). */
export function dateInput(v: string | undefined): string {
  return v ? v.slice(0, 10) : "";
}

/** A date input's value for the server ("" stays empty). */
export function dateValue(v: string): string {
  return v ? `${v} 00:00:00.000Z` : "";
}

/** The metric columns of `campaign_metrics`, in entry order. */
export const METRIC_FIELDS = ["sent", "opens", "clicks", "replies", "meetings", "deals", "spend"] as const;
