// The console's hash router: one reactive route parsed from `location.hash`, so every screen has
// a URL an admin can bookmark, reload or share, and the server needs no routes beyond `/_/`.
//
// Routes (the contract between screens):
//   #/                              home (pick a collection)
//   #/collections/NAME              records of NAME
//   #/collections/NAME/records/ID   records of NAME with record ID open in the panel
//   #/collections/NAME?record=ID    the same (the form a link elsewhere may use)
//   #/collections/NAME/edit         collection editor (fields, rules, indexes, options)
//   #/collections/NAME/api          API preview of NAME (endpoints, rules, SDK examples)
//   #/collections/new               collection editor for a new collection
//   #/schema                        import/export the whole schema as JSON (with a diff)
//   #/settings                      application settings
//   #/settings/SECTION              another settings section (mail, storage, logs, …)
//   #/realtime                      realtime inspector (#/realtime/NAME: that collection)
//   #/pbinstall/TOKEN               first-superuser installer (the link `cairn serve` prints)
//   #/auth/oauth2-redirect-success  where /api/oauth2-redirect sends an OAuth2 popup (and
//   #/auth/oauth2-redirect-failure  -failure): no sign-in needed, the page closes itself

export type Route =
  | { view: "home" }
  | { view: "records"; name: string; record?: string }
  | { view: "collection-edit"; name: string }
  | { view: "collection-new" }
  | { view: "api-preview"; name: string }
  | { view: "realtime"; name: string }
  | { view: "installer"; token: string }
  | { view: "schema" }
  | { view: "settings"; section: string }
  | { view: "oauth2-redirect"; ok: boolean };

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#\/?/, "").split("?", 2);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const record = new URLSearchParams(query).get("record") ?? undefined;
  if (parts[0] === "collections" && parts[1] === "new" && parts.length === 2) return { view: "collection-new" };
  if (parts[0] === "collections" && parts[1] && parts[2] === "edit") return { view: "collection-edit", name: parts[1] };
  if (parts[0] === "collections" && parts[1] && parts[2] === "api") return { view: "api-preview", name: parts[1] };
  if (parts[0] === "collections" && parts[1] && parts[2] === "records" && parts[3]) return { view: "records", name: parts[1], record: parts[3] };
  if (parts[0] === "collections" && parts[1]) return { view: "records", name: parts[1], record };
  if (parts[0] === "auth" && parts[1] === "oauth2-redirect-success") return { view: "oauth2-redirect", ok: true };
  if (parts[0] === "auth" && parts[1] === "oauth2-redirect-failure") return { view: "oauth2-redirect", ok: false };
  if (parts[0] === "schema") return { view: "schema" };
  if (parts[0] === "realtime") return { view: "realtime", name: parts[1] ?? "" };
  if (parts[0] === "pbinstall" && parts[1]) return { view: "installer", token: parts[1] };
  if (parts[0] === "settings") return { view: "settings", section: parts[1] ?? "application" };
  return { view: "home" };
}

export function href(path: string): string {
  return `#/${path.split("/").map(encodeURIComponent).join("/")}`;
}

class Router {
  current = $state<Route>(parseRoute(window.location.hash));
  constructor() {
    window.addEventListener("hashchange", () => { this.current = parseRoute(window.location.hash); });
  }
  go(path: string): void {
    window.location.hash = href(path);
  }
}

export const router = new Router();
