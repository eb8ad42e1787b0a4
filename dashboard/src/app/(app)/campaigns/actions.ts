"use server";
/** Campaigns: create, edit, delete; metrics rows (one per date): add, delete. */
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";

import type { CampaignMetricsCreate, CampaignsCreate } from "@/cairn";
import { serverClient } from "@/lib/cairn-server";
import { CHANNELS, dateValue, METRIC_FIELDS, STATUSES } from "@/lib/campaign-options";
import { formValues, fromError, num, str, type FormState } from "@/lib/form-state";

function campaignBody(form: FormData): Omit<CampaignsCreate, "workspace"> {
  const channel = CHANNELS.find((c) => c.value === str(form, "channel"))?.value ?? "cold_email";
  const status = STATUSES.find((s) => s.value === str(form, "status"))?.value ?? "draft";
  return {
    name: str(form, "name"),
    channel,
    status,
    goal: str(form, "goal"),
    starts: dateValue(str(form, "starts")),
    ends: dateValue(str(form, "ends")),
  };
}

export async function createCampaign(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  const client = await serverClient();
  let id: string;
  try {
    id = (await client.collection("campaigns").create({ workspace: str(form, "workspace"), ...campaignBody(form) })).id;
  } catch (err) {
    return fromError(err, values);
  }
  revalidatePath("/campaigns");
  redirect(`/campaigns/${id}`);
}

export async function updateCampaign(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  const client = await serverClient();
  try {
    await client.collection("campaigns").update(str(form, "id"), campaignBody(form));
  } catch (err) {
    return fromError(err, values);
  }
  revalidatePath(`/campaigns/${str(form, "id")}`);
  return { ok: "Saved.", values };
}

export async function deleteCampaign(_prev: FormState, form: FormData): Promise<FormState> {
  const client = await serverClient();
  try {
    await client.collection("campaigns").delete(str(form, "id"));
  } catch (err) {
    return fromError(err);
  }
  revalidatePath("/campaigns");
  redirect("/campaigns");
}

export async function addMetrics(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  const campaign = str(form, "campaign");
  const body: CampaignMetricsCreate = { campaign, date: dateValue(str(form, "date")) };
  for (const f of METRIC_FIELDS) body[f] = num(form, f);
  const client = await serverClient();
  try {
    await client.collection("campaign_metrics").create(body);
  } catch (err) {
    return fromError(err, values);
  }
  revalidatePath(`/campaigns/${campaign}`);
  return { ok: `Metrics for ${str(form, "date")} saved.` };
}

export async function deleteMetrics(_prev: FormState, form: FormData): Promise<FormState> {
  const client = await serverClient();
  try {
    await client.collection("campaign_metrics").delete(str(form, "id"));
  } catch (err) {
    return fromError(err);
  }
  revalidatePath(`/campaigns/${str(form, "campaign")}`);
  return { ok: "Row deleted." };
}
