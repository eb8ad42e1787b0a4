"use client";
/**
 * The benchmark comparison: one small bar chart per metric (metrics have different units, so
 * they do not share an axis) with the benchmark's p25 / median / p75 and this campaign's value.
 * The verdict table next to it carries the same numbers as text.
 */
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { formatValue, metricLabel, type MetricVerdict } from "@/lib/analyze";

const COLORS = { bench: "var(--muted-foreground)", value: "var(--chart-1)" };

export function BenchmarkChart({ metrics }: { metrics: MetricVerdict[] }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
      {metrics.map((m) => {
        const data = [
          { name: "p25", v: m.p25 },
          { name: "Median", v: m.median },
          { name: "p75", v: m.p75 },
          { name: "Yours", v: m.value },
        ];
        return (
          <figure key={m.metric} className="rounded-lg border p-3">
            <figcaption className="mb-2 text-sm font-medium">
              {metricLabel(m.metric)}: {formatValue(m.value, m.unit)} ({m.verdict})
            </figcaption>
            {/* Hidden from screen readers (the verdict table says the same); no focusable SVG inside. */}
            <div className="h-40" aria-hidden="true">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={data} accessibilityLayer={false} margin={{ top: 4, right: 4, bottom: 0, left: -16 }}>
                  <CartesianGrid vertical={false} strokeOpacity={0.3} />
                  <XAxis dataKey="name" tickLine={false} axisLine={false} fontSize={12} stroke="var(--muted-foreground)" />
                  <YAxis tickLine={false} axisLine={false} fontSize={12} stroke="var(--muted-foreground)" />
                  <Tooltip
                    formatter={(v) => formatValue(Number(v), m.unit)}
                    contentStyle={{ background: "var(--card)", border: "1px solid var(--border)", color: "var(--card-foreground)" }}
                  />
                  <Bar dataKey="v" radius={4} isAnimationActive={false}>
                    {data.map((d) => (
                      <Cell key={d.name} fill={d.name === "Yours" ? COLORS.value : COLORS.bench} fillOpacity={d.name === "Yours" ? 1 : 0.45} />
                    ))}
                  </Bar>
                </BarChart>
              </ResponsiveContainer>
            </div>
          </figure>
        );
      })}
    </div>
  );
}
