import { redirect } from "next/navigation";

import { session } from "@/lib/session";

/** Home: campaigns once there is a workspace, else the page that creates one. */
export default async function Home() {
  const { workspace } = await session();
  redirect(workspace ? "/campaigns" : "/workspaces");
}
