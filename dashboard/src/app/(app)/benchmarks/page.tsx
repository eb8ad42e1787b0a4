import type { Metadata } from "next";

import { FilterLinks } from "@/components/filter-links";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Card, CardContent } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatValue, metricLabel } from "@/lib/analyze";
import { CHANNELS, channelLabel } from "@/lib/campaign-options";
import { session } from "@/lib/session";

export const metadata: Metadata = { title: "Benchmarks" };

export default async function BenchmarksPage({ searchParams }: { searchParams: Promise<{ channel?: string }> }) {
  const { channel = "" } = await searchParams;
  const { client } = await session();
  const rows = await client.collection("benchmarks").getFullList({
    filter: channel ? client.filter("channel = {:c}", { c: channel }) : undefined,
    sort: "channel,metric",
  });
  return (
    <>
      <PageHeader title="Benchmarks" description="Published quartiles per channel, with where each figure comes from." />
      <FilterLinks label="Filter by channel" param="channel" base="/benchmarks" current={channel} options={CHANNELS} />
      <Card>
        <CardContent>
          {rows.length === 0 ? (
            <EmptyState title="No benchmarks for this channel yet" />
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Channel</TableHead>
                  <TableHead>Metric</TableHead>
                  <TableHead className="text-right">p25</TableHead>
                  <TableHead className="text-right">Median</TableHead>
                  <TableHead className="text-right">p75</TableHead>
                  <TableHead>Source</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((b) => (
                  <TableRow key={b.id}>
                    <TableCell className="whitespace-nowrap">{channelLabel(b.channel)}</TableCell>
                    <TableCell className="whitespace-nowrap">{metricLabel(b.metric)}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatValue(b.p25, b.unit)}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatValue(b.median, b.unit)}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatValue(b.p75, b.unit)}</TableCell>
                    <TableCell className="min-w-64 text-xs text-muted-foreground">{b.source}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
    </>
  );
}
