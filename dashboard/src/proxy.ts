/**
 * Next's request proxy (the file Next 15 called `middleware.ts`): guests go to sign-in, signed-in
 * users skip the sign-in pages. It only checks that the cookie's token has not expired; the
 * server checks the signature on every call the pages make.
 */
import { NextResponse, type NextRequest } from "next/server";

import { AuthStore, cookieAuth, type CookieJar } from "@/cairn";
import { cairnUrl } from "@/lib/config";

const PUBLIC = ["/sign-in", "/sign-up", "/reset-password", "/verify-email"];
/** Public pages a signed-in user may open too (links from mails). */
const ANYONE = ["/reset-password", "/verify-email"];

export function proxy(request: NextRequest) {
  const store = new AuthStore(cookieAuth(request.cookies as unknown as CookieJar));
  const path = request.nextUrl.pathname;
  if (path === "/_" || path.startsWith("/_/")) {
    // Cairn's console lives on the API server. Mail links of PocketBase's default templates
    // (superusers') point at {APP_URL}/_/#/…; browsers keep the #fragment across a redirect.
    return NextResponse.redirect(new URL(path + request.nextUrl.search, cairnUrl()));
  }
  const isPublic = PUBLIC.some((p) => path === p || path.startsWith(p + "/"));
  if (!store.isValid && !isPublic) {
    const to = request.nextUrl.clone();
    to.pathname = "/sign-in";
    to.search = path === "/" ? "" : `?next=${encodeURIComponent(path + request.nextUrl.search)}`;
    return NextResponse.redirect(to);
  }
  if (store.isValid && isPublic && !ANYONE.some((p) => path === p || path.startsWith(p + "/"))) {
    const to = request.nextUrl.clone();
    to.pathname = "/";
    to.search = "";
    return NextResponse.redirect(to);
  }
  return NextResponse.next();
}

export const config = {
  // Everything but Next's own assets and static files.
  matcher: ["/((?!_next/|favicon.ico|.*\\.(?:png|svg|ico|txt)$).*)"],
};
