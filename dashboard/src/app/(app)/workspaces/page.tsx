import type { Metadata } from "next";

import { createWorkspace } from "@/app/(app)/workspace-actions";
import { ActionForm } from "@/components/form/action-form";
import { Field } from "@/components/form/field";
import { SubmitButton } from "@/components/form/submit-button";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { session } from "@/lib/session";

import { Members } from "./members";

export const metadata: Metadata = { title: "Workspaces" };

export default async function WorkspacesPage() {
  const s = await session();
  const { workspaces, workspace } = s;
  return (
    <>
      <PageHeader title="Workspaces" description="A workspace holds your campaigns, keys and coach conversations." />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>
              <h2>Your workspaces</h2>
            </CardTitle>
          </CardHeader>
          <CardContent>
            {workspaces.length === 0 ? (
              <EmptyState title="No workspace yet">Create one to start.</EmptyState>
            ) : (
              <ul aria-label="Your workspaces" className="grid gap-2">
                {workspaces.map((w) => (
                  <li key={w.id} className="flex items-center justify-between gap-2 rounded-md border px-3 py-2">
                    <span>{w.name}</span>
                    {w.id === workspace?.id ? <Badge variant="secondary">Current</Badge> : null}
                  </li>
                ))}
              </ul>
            )}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>
              <h2>New workspace</h2>
            </CardTitle>
          </CardHeader>
          <CardContent>
            <ActionForm action={createWorkspace} label="New workspace">
              <Field name="name" label="Workspace name" required />
              <SubmitButton className="justify-self-start">Create workspace</SubmitButton>
            </ActionForm>
          </CardContent>
        </Card>
      </div>
      {workspace ? <Members session={{ ...s, workspace }} /> : null}
    </>
  );
}
