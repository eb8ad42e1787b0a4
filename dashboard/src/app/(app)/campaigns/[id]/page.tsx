import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { ClientResponseError, type CampaignsRecord } from "@/cairn";
import { ActionForm } from "@/components/form/action-form";
import { Field } from "@/components/form/field";
import { SubmitButton } from "@/components/form/submit-button";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { analyze, type Analysis } from "@/lib/analyze";
import { channelLabel, dateInput, METRIC_FIELDS } from "@/lib/campaign-options";
import { workspaceSession } from "@/lib/session";

import { addMetrics, deleteCampaign, deleteMetrics, updateCampaign } from "../actions";
import { CampaignFields } from "../campaign-fields";
import { Verdicts } from "./verdicts";

export const metadata: Metadata = { title: "Campaign" };

export default async function CampaignPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { client } = await workspaceSession();
  let campaign: CampaignsRecord;
  try {
    campaign = await client.collection("campaigns").getOne(id);
  } catch (err) {
    // Someone else's campaign is a 404 too: the rules do not tell them apart.
    if (err instanceof ClientResponseError && err.status === 404) notFound();
    throw err;
  }
  const rows = await client.collection("campaign_metrics").getFullList({
    filter: client.filter("campaign = {:c}", { c: id }),
    sort: "date",
  });
  let analysis: Analysis | null = null;
  let analysisError = "";
  if (rows.length > 0) {
    try {
      analysis = await analyze(client, id);
    } catch (err) {
      analysisError = err instanceof Error ? err.message : "The analysis failed.";
    }
  }
  return (
    <>
      <PageHeader title={campaign.name} description={`${channelLabel(campaign.channel)} · ${campaign.status || "draft"}`}>
        <Link href="/campaigns" className="text-sm underline underline-offset-4">
          All campaigns
        </Link>
      </PageHeader>
      <Card>
        <CardHeader>
          <CardTitle>
            <h2>Against benchmarks</h2>
          </CardTitle>
          <CardDescription>Your totals so far against the channel&apos;s published quartiles.</CardDescription>
        </CardHeader>
        <CardContent>
          {rows.length === 0 ? (
            <EmptyState title="No numbers yet">Add a row of metrics below to compare this campaign with its benchmarks.</EmptyState>
          ) : analysisError ? (
            <p role="alert" className="text-sm text-destructive">
              Could not analyze this campaign: {analysisError}
            </p>
          ) : analysis && analysis.metrics.length > 0 ? (
            <Verdicts analysis={analysis} />
          ) : (
            <EmptyState title="No benchmark fits these numbers yet" />
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>
            <h2>Metrics by date</h2>
          </CardTitle>
        </CardHeader>
        <CardContent className="grid gap-6">
          {rows.length > 0 ? (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Date</TableHead>
                  {METRIC_FIELDS.map((f) => (
                    <TableHead key={f} className="text-right capitalize">
                      {f}
                    </TableHead>
                  ))}
                  <TableHead>
                    <span className="sr-only">Actions</span>
                  </TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((r) => (
                  <TableRow key={r.id}>
                    <TableCell className="whitespace-nowrap">{dateInput(r.date)}</TableCell>
                    {METRIC_FIELDS.map((f) => (
                      <TableCell key={f} className="text-right tabular-nums">
                        {r[f]}
                      </TableCell>
                    ))}
                    <TableCell>
                      <ActionForm action={deleteMetrics} label={`Delete ${dateInput(r.date)}`} className="gap-1">
                        <input type="hidden" name="id" value={r.id} />
                        <input type="hidden" name="campaign" value={id} />
                        <SubmitButton size="sm" variant="ghost" aria-label={`Delete row ${dateInput(r.date)}`}>
                          Delete
                        </SubmitButton>
                      </ActionForm>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : null}
          <ActionForm action={addMetrics} label="Add metrics" className="grid-cols-2 sm:grid-cols-4 lg:grid-cols-8">
            <input type="hidden" name="campaign" value={id} />
            <Field name="date" label="Date" type="date" required className="col-span-2 grid gap-2 sm:col-span-1 lg:col-span-1" />
            {METRIC_FIELDS.map((f) => (
              <Field key={f} name={f} label={f.charAt(0).toUpperCase() + f.slice(1)} type="number" min="0" step={f === "spend" ? "0.01" : "1"} />
            ))}
            <div className="col-span-2 sm:col-span-4 lg:col-span-8">
              <SubmitButton>Add row</SubmitButton>
            </div>
          </ActionForm>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>
            <h2>Edit campaign</h2>
          </CardTitle>
        </CardHeader>
        <CardContent className="grid gap-6">
          <ActionForm action={updateCampaign} label="Edit campaign" className="sm:grid-cols-2">
            <input type="hidden" name="id" value={id} />
            <CampaignFields campaign={campaign} />
            <div>
              <SubmitButton>Save changes</SubmitButton>
            </div>
          </ActionForm>
          <ActionForm action={deleteCampaign} label="Delete campaign">
            <input type="hidden" name="id" value={id} />
            <SubmitButton variant="destructive" className="justify-self-start">
              Delete campaign
            </SubmitButton>
          </ActionForm>
        </CardContent>
      </Card>
    </>
  );
}
