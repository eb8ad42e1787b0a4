import Link from "next/link";

import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { BenchmarkChart } from "./benchmark-chart";
import { formatValue, metricLabel, type Analysis, type Verdict } from "@/lib/analyze";


const VARIANT: Record<Verdict, "destructive" | "secondary" | "default"> = { below: "destructive", typical: "secondary", above: "default" };

/** The comparison as a chart and as a table (the table is what screen readers get). */
export function Verdicts({ analysis }: { analysis: Analysis }) {
  return (
    <div className="grid gap-6">
      <BenchmarkChart metrics={analysis.metrics} />
      <Table>
        <TableHeader>
          <TableRow>
            <TableHead>Metric</TableHead>
            <TableHead className="text-right">Yours</TableHead>
            <TableHead className="text-right">p25</TableHead>
            <TableHead className="text-right">Median</TableHead>
            <TableHead className="text-right">p75</TableHead>
            <TableHead>Verdict</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {analysis.metrics.map((m) => (
            <TableRow key={m.metric}>
              <TableCell>{metricLabel(m.metric)}</TableCell>
              <TableCell className="text-right tabular-nums">{formatValue(m.value, m.unit)}</TableCell>
              <TableCell className="text-right tabular-nums">{formatValue(m.p25, m.unit)}</TableCell>
              <TableCell className="text-right tabular-nums">{formatValue(m.median, m.unit)}</TableCell>
              <TableCell className="text-right tabular-nums">{formatValue(m.p75, m.unit)}</TableCell>
              <TableCell>
                <Badge variant={VARIANT[m.verdict]}>{m.verdict}</Badge>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {analysis.templates.length > 0 ? (
        <p className="text-sm">
          Coaching that fits:{" "}
          {analysis.templates.map((slug, i) => (
            <span key={slug}>
              {i > 0 ? ", " : null}
              <Link className="underline underline-offset-4" href={`/templates#${slug}`}>
                {slug}
              </Link>
            </span>
          ))}
        </p>
      ) : null}
    </div>
  );
}
