import type { Metadata } from "next";
import Link from "next/link";

import { ActionForm } from "@/components/form/action-form";
import { SubmitButton } from "@/components/form/submit-button";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { channelLabel, dateInput } from "@/lib/campaign-options";
import { workspaceSession } from "@/lib/session";

import { createCampaign } from "./actions";
import { CampaignFields } from "./campaign-fields";

export const metadata: Metadata = { title: "Campaigns" };

export default async function CampaignsPage() {
  const { client, workspace } = await workspaceSession();
  const campaigns = await client.collection("campaigns").getFullList({
    filter: client.filter("workspace = {:w}", { w: workspace.id }),
    sort: "-created",
  });
  return (
    <>
      <PageHeader title="Campaigns" description={`Go-to-market campaigns of ${workspace.name}, measured against benchmarks.`} />
      <Card>
        <CardHeader>
          <CardTitle>
            <h2>All campaigns</h2>
          </CardTitle>
        </CardHeader>
        <CardContent>
          {campaigns.length === 0 ? (
            <EmptyState title="No campaigns yet">Create your first one below, then enter its numbers day by day.</EmptyState>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Name</TableHead>
                  <TableHead>Channel</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead>Dates</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {campaigns.map((c) => (
                  <TableRow key={c.id}>
                    <TableCell>
                      <Link className="font-medium underline-offset-4 hover:underline" href={`/campaigns/${c.id}`}>
                        {c.name}
                      </Link>
                    </TableCell>
                    <TableCell>{channelLabel(c.channel)}</TableCell>
                    <TableCell>
                      <Badge variant="outline">{c.status || "draft"}</Badge>
                    </TableCell>
                    <TableCell className="whitespace-nowrap text-muted-foreground">
                      {c.starts ? `${dateInput(c.starts)} → ${dateInput(c.ends) || "…"}` : "—"}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>
            <h2>New campaign</h2>
          </CardTitle>
        </CardHeader>
        <CardContent>
          <ActionForm action={createCampaign} label="New campaign" className="sm:grid-cols-2">
            <input type="hidden" name="workspace" value={workspace.id} />
            <CampaignFields />
            <div>
              <SubmitButton>Create campaign</SubmitButton>
            </div>
          </ActionForm>
        </CardContent>
      </Card>
    </>
  );
}
