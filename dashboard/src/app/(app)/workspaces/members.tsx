/**
 * The current workspace's people: members with their role (owners and admins change roles and
 * remove people; admins cannot touch owners, as the rules say), the pending invitations, and
 * the invite-by-email form. Everyone can leave; the server keeps the last owner.
 */
import { changeRole, inviteMember, leaveWorkspace, removeMember, revokeInvite } from "@/app/(app)/workspace-actions";
import type { UsersRecord, WorkspaceMembersRecord, WorkspacesRecord } from "@/cairn";
import { ActionForm } from "@/components/form/action-form";
import { Field } from "@/components/form/field";
import { SubmitButton } from "@/components/form/submit-button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { canManage, type Session } from "@/lib/session";

const ALL_ROLES = [
  { value: "member", label: "Member" },
  { value: "admin", label: "Admin" },
  { value: "owner", label: "Owner" },
] as const;

function roleOptions(myRole: Session["role"]) {
  return myRole === "owner" ? ALL_ROLES : ALL_ROLES.filter((r) => r.value !== "owner");
}

function displayName(u: UsersRecord | UsersRecord[] | undefined, fallback: string): string {
  const one = Array.isArray(u) ? u[0] : u;
  return one?.name || one?.email || fallback;
}

export async function Members({ session }: { session: Session & { workspace: WorkspacesRecord } }) {
  const { client, user, workspace, role } = session;
  const manage = canManage(role);
  const [members, invites] = await Promise.all([
    client.collection("workspace_members").getFullList({
      filter: client.filter("workspace = {:w}", { w: workspace.id }),
      expand: "user",
      sort: "created",
    }),
    manage
      ? client.collection("workspace_invites").getFullList({
          filter: client.filter("workspace = {:w} && status = 'pending'", { w: workspace.id }),
          sort: "-created",
        })
      : Promise.resolve([]),
  ]);
  const mayEdit = (m: WorkspaceMembersRecord) => manage && m.user !== user.id && (role === "owner" || m.role !== "owner");
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h2>Members of {workspace.name}</h2>
        </CardTitle>
        <CardDescription>
          {manage ? "Invite people by email; they join once they have verified that address." : `You are ${role === "admin" ? "an admin" : "a member"} here.`}
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-6">
        <div className="overflow-x-auto">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Member</TableHead>
                <TableHead>Role</TableHead>
                <TableHead>
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {members.map((m) => {
                const who = displayName(m.expand?.user, m.user);
                return (
                  <TableRow key={m.id}>
                    <TableCell className="break-all">
                      {who}
                      {m.user === user.id ? <span className="text-muted-foreground"> (you)</span> : null}
                    </TableCell>
                    <TableCell>{m.role}</TableCell>
                    <TableCell>
                      {m.user === user.id ? (
                        <ActionForm action={leaveWorkspace} label="Leave workspace">
                          <input type="hidden" name="id" value={m.id} />
                          <SubmitButton size="sm" variant="outline" className="justify-self-start">
                            Leave
                          </SubmitButton>
                        </ActionForm>
                      ) : mayEdit(m) ? (
                        <div className="flex flex-wrap items-end gap-2">
                          <ActionForm action={changeRole} className="grid-flow-col items-end justify-start gap-2" label={`Role of ${who}`}>
                            <input type="hidden" name="id" value={m.id} />
                            <Field name="role" label="Role" as="select" options={roleOptions(role)} defaultValue={m.role} className="grid gap-1" />
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
                      ) : null}
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </div>
        {manage ? (
          <div className="grid gap-6 md:grid-cols-2">
            <ActionForm action={inviteMember} label="Invite by email">
              <h3 className="font-medium">Invite by email</h3>
              <input type="hidden" name="workspace" value={workspace.id} />
              <Field name="email" label="Email address" type="email" autoComplete="off" required />
              <Field name="role" label="Invite as" as="select" options={roleOptions(role)} defaultValue="member" />
              <SubmitButton className="justify-self-start">Send invite</SubmitButton>
            </ActionForm>
            <section aria-labelledby="pending-invites" className="grid content-start gap-2">
              <h3 id="pending-invites" className="font-medium">
                Pending invitations
              </h3>
              {invites.length === 0 ? (
                <p className="text-sm text-muted-foreground">No pending invitations.</p>
              ) : (
                <ul className="grid gap-2">
                  {invites.map((inv) => (
                    <li key={inv.id} className="flex flex-wrap items-center justify-between gap-2 rounded-md border px-3 py-2">
                      <span className="min-w-0 break-all">
                        {inv.email} <span className="text-muted-foreground">· {inv.role}</span>
                      </span>
                      <ActionForm action={revokeInvite} label={`Revoke the invitation of ${inv.email}`}>
                        <input type="hidden" name="id" value={inv.id} />
                        <SubmitButton size="sm" variant="ghost">
                          Revoke
                        </SubmitButton>
                      </ActionForm>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}
