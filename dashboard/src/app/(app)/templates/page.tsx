import type { Metadata } from "next";

import type { CoachingTemplatesRecord } from "@/cairn";
import { FilterLinks } from "@/components/filter-links";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { session } from "@/lib/session";

export const metadata: Metadata = { title: "Coaching templates" };

const STAGES: readonly { value: Exclude<CoachingTemplatesRecord["stage"], "">; label: string }[] = [
  { value: "positioning", label: "Positioning" },
  { value: "icp", label: "ICP" },
  { value: "messaging", label: "Messaging" },
  { value: "outbound", label: "Outbound" },
  { value: "launch", label: "Launch" },
  { value: "pricing", label: "Pricing" },
];

export default async function TemplatesPage({ searchParams }: { searchParams: Promise<{ stage?: string }> }) {
  const { stage = "" } = await searchParams;
  const { client } = await session();
  const templates = await client.collection("coaching_templates").getFullList({
    filter: stage ? client.filter("stage = {:s}", { s: stage }) : undefined,
    sort: "stage,title",
  });
  return (
    <>
      <PageHeader title="Coaching templates" description="The playbooks the coach draws on. Open one to read it." />
      <FilterLinks label="Filter by stage" param="stage" base="/templates" current={stage} options={STAGES} />
      {templates.length === 0 ? (
        <EmptyState title="No templates for this stage yet" />
      ) : (
        <ul className="grid gap-3">
          {templates.map((t) => (
            <li key={t.id} id={t.slug} className="scroll-mt-4">
              <details className="group rounded-lg border bg-card">
                <summary className="flex cursor-pointer list-none flex-wrap items-center gap-2 px-4 py-3 font-medium">
                  <span aria-hidden="true" className="transition-transform group-open:rotate-90">
                    ›
                  </span>
                  {t.title}
                  <Badge variant="outline">{STAGES.find((s) => s.value === t.stage)?.label ?? t.stage}</Badge>
                </summary>
                {/* `body` is an editor field only superusers can write (create/update rules are
                    null), so its HTML is the app's own content, not user input. */}
                <div className="template-body border-t px-4 py-3 text-sm" dangerouslySetInnerHTML={{ __html: t.body }} />
              </details>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
