import Link from "next/link";

/** Unknown pages and records the user may not see (the server answers both with 404). */
export default function NotFound() {
  return (
    <main className="mx-auto grid max-w-md gap-3 px-4 py-16 text-center">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="text-muted-foreground">It does not exist, or it belongs to a workspace you are not a member of.</p>
      <Link className="underline underline-offset-4" href="/">
        Back to the dashboard
      </Link>
    </main>
  );
}
