import type { Metadata } from "next";

import { addMember, changeRole, createWorkspace, removeMember } from "@/app/(app)/workspace-actions";
import { ActionForm } from "@/components/form/action-form";
import { Field } from "@/components/form/field";
import { SubmitButton } from "@/components/form/submit-button";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { canManage, session } from "@/lib/session";

export const metadata: Metadata = { title: "Workspaces" };

const ROLE_OPTIONS = [
  { value: "member", label: "Member" },
  { value: "admin", label: "Admin" },
  { value: "owner", label: "Owner" },
] as const;

export default async function WorkspacesPage() {
  const { client, user, workspaces, workspace, role } = await session();
  const members = workspace
    ? await client.collection("workspace_members").getFullList({
        filter: client.filter("workspace = {:w}", { w: workspace.id }),
        expand: "user",
        sort: "created",
      })
    : [];
  const manage = canManage(role);
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
              <ul className="grid gap-2">
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
      {workspace ? (
        <Card>
          <CardHeader>
            <CardTitle>
              <h2>Members of {workspace.name}</h2>
            </CardTitle>
            <CardDescription>
              Your user id (share it to be added to a workspace): <code className="rounded bg-muted px-1">{user.id}</code>
            </CardDescription>
          </CardHeader>
          <CardContent className="grid gap-6">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Member</TableHead>
                  <TableHead>Role</TableHead>
                  {manage ? <TableHead>Actions</TableHead> : null}
                </TableRow>
              </TableHeader>
              <TableBody>
                {members.map((m) => {
                  const u = m.expand?.user;
                  const who = (Array.isArray(u) ? u[0] : u)?.name || (Array.isArray(u) ? u[0] : u)?.email || m.user;
                  return (
                    <TableRow key={m.id}>
                      <TableCell>
                        {who}
                        {m.user === user.id ? <span className="text-muted-foreground"> (you)</span> : null}
                      </TableCell>
                      <TableCell>{m.role}</TableCell>
                      {manage ? (
                        <TableCell>
                          {m.user === user.id ? null : (
                            <div className="flex flex-wrap items-end gap-2">
                              <ActionForm action={changeRole} className="grid-flow-col items-end justify-start gap-2" label={`Role of ${who}`}>
                                <input type="hidden" name="id" value={m.id} />
                                <Field name="role" label="Role" as="select" options={ROLE_OPTIONS} defaultValue={m.role} className="grid gap-1" />
                                <SubmitButton size="sm" variant="outline">
                                  Change role
                                </SubmitButton>
                              </ActionForm>
                              <ActionForm action={removeMember} label={`Remove ${who}`}>
                                <input type="hidden" name="id" value={m.id} />
                                <SubmitButton size="sm" variant="destructive">
                                  Remove
                                </SubmitButton>
                              </ActionForm>
                            </div>
                          )}
                        </TableCell>
                      ) : null}
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
            {manage ? (
              <ActionForm action={addMember} label="Add member" className="max-w-md">
                <h3 className="font-medium">Add a member</h3>
                <input type="hidden" name="workspace" value={workspace.id} />
                <Field name="user" label="User id" hint="They find it on their Workspaces page." required />
                <Field name="role" label="Role" as="select" options={ROLE_OPTIONS} defaultValue="member" />
                <SubmitButton className="justify-self-start">Add member</SubmitButton>
              </ActionForm>
            ) : null}
          </CardContent>
        </Card>
      ) : null}
    </>
  );
}
