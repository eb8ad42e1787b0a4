import type { CampaignsRecord } from "@/cairn";
import { Field } from "@/components/form/field";
import { CHANNELS, dateInput, STATUSES } from "@/lib/campaign-options";

/** The campaign form's fields, shared by create and edit. */
export function CampaignFields({ campaign }: { campaign?: CampaignsRecord }) {
  return (
    <>
      <Field name="name" label="Name" defaultValue={campaign?.name} required />
      <Field name="channel" label="Channel" as="select" options={CHANNELS} defaultValue={campaign?.channel || "cold_email"} />
      <Field name="status" label="Status" as="select" options={STATUSES} defaultValue={campaign?.status || "draft"} />
      <Field name="goal" label="Goal" defaultValue={campaign?.goal} placeholder="20 demos in the first quarter" />
      <Field name="starts" label="Starts" type="date" defaultValue={dateInput(campaign?.starts)} />
      <Field name="ends" label="Ends" type="date" defaultValue={dateInput(campaign?.ends)} />
    </>
  );
}
