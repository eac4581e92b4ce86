/** Stacked bars of requests per day and group: a plain SVG, no chart library. */
import { token } from '@atlaskit/tokens';
import type { DashboardChart } from '../../../../src/shared/admin-contract';

const PALETTE = [
  token('color.chart.categorical.1', '#2898BD'),
  token('color.chart.categorical.2', '#5D7F03'),
  token('color.chart.categorical.3', '#9E4C00'),
  token('color.chart.categorical.4', '#8F49DE'),
  token('color.chart.categorical.5', '#B8487F'),
  token('color.chart.categorical.6', '#A54800'),
  token('color.chart.categorical.7', '#7F5F01'),
  token('color.chart.categorical.8', '#3D7C9E'),
];

export function BarChart({ chart }: { chart: DashboardChart }) {
  const totals = chart.days.map((_, i) => chart.series.reduce((n, s) => n + s.counts[i], 0));
  const max = Math.max(1, ...totals);
  const W = 560,
    H = 150,
    top = 10,
    bottom = 24,
    left = 28;
  const plotH = H - top - bottom;
  const slot = (W - left) / chart.days.length;
  const barW = Math.max(4, slot * 0.7);
  const sum = totals.reduce((a, b) => a + b, 0);
  return (
    <figure data-testid="grants-chart" style={{ margin: 0, maxWidth: 640 }}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="img"
        aria-label={`Requests per day over the last ${chart.days.length} days: ${sum} in total`}
      >
        <line x1={left} y1={top + plotH} x2={W} y2={top + plotH} stroke={token('color.border', '#DFE1E6')} />
        <text x={left - 4} y={top + 8} textAnchor="end" fontSize="10" fill={token('color.text.subtlest', '#6B778C')}>
          {max}
        </text>
        <text
          x={left - 4}
          y={top + plotH}
          textAnchor="end"
          fontSize="10"
          fill={token('color.text.subtlest', '#6B778C')}
        >
          0
        </text>
        {chart.days.map((day, i) => {
          let y = top + plotH;
          const x = left + i * slot + (slot - barW) / 2;
          return (
            <g key={day} data-testid={`bar-${day}`} data-total={totals[i]}>
              <title>{`${day}: ${totals[i]} request(s)`}</title>
              {chart.series.map((s, k) => {
                const h = (s.counts[i] / max) * plotH;
                y -= h;
                return h > 0 ? (
                  <rect key={s.groupId} x={x} y={y} width={barW} height={h} fill={PALETTE[k % PALETTE.length]} />
                ) : null;
              })}
              {(i % 2 === 1 || chart.days.length <= 7) && (
                <text
                  x={x + barW / 2}
                  y={H - 8}
                  textAnchor="middle"
                  fontSize="9"
                  fill={token('color.text.subtlest', '#6B778C')}
                >
                  {day.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption style={{ display: 'flex', flexWrap: 'wrap', gap: token('space.150', '12px'), fontSize: 12 }}>
        {chart.series.length === 0 && <span>No requests in the last {chart.days.length} days.</span>}
        {chart.series.map((s, k) => (
          <span key={s.groupId} data-testid={`legend-${s.groupId}`}>
            <span
              style={{
                display: 'inline-block',
                width: 10,
                height: 10,
                background: PALETTE[k % PALETTE.length],
                marginRight: 4,
              }}
            />
            {s.groupName} ({s.counts.reduce((a, b) => a + b, 0)})
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
