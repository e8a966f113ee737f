import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format-date';
import { percent } from './period';

export interface TrendPoint {
  at: string;
  rate: number;
}

/**
 * The discrepancy rate over reports, drawn with ECharts. ECharts is imported when the chart first
 * renders, so it stays out of the initial bundle.
 */
export function TrendChart({ points }: { points: TrendPoint[] }) {
  const { t } = useTranslation('reconciliation');
  const ref = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const element = ref.current;
    if (!element || points.length === 0) return;
    let disposed = false;
    let dispose = () => undefined as void;
    void (async () => {
      try {
        const [core, charts, components, renderers] = await Promise.all([import('echarts/core'), import('echarts/charts'), import('echarts/components'), import('echarts/renderers')]);
        if (disposed) return;
        core.use([charts.LineChart, components.GridComponent, components.TooltipComponent, renderers.CanvasRenderer]);
        const chart = core.init(element);
        chart.setOption({
          grid: { left: 56, right: 16, top: 16, bottom: 40 },
          tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${Number(v).toFixed(2)}%` },
          xAxis: { type: 'category', data: points.map((p) => formatDateTime(p.at, { seconds: false })) },
          yAxis: { type: 'value', min: 0, axisLabel: { formatter: '{value}%' } },
          series: [{ name: t('trend.series'), type: 'line', data: points.map((p) => Number((p.rate * 100).toFixed(4))), smooth: false, symbolSize: 6 }],
        });
        const resize = () => chart.resize();
        window.addEventListener('resize', resize);
        dispose = () => {
          window.removeEventListener('resize', resize);
          chart.dispose();
        };
      } catch {
        if (!disposed) setFailed(true);
      }
    })();
    return () => {
      disposed = true;
      dispose();
    };
  }, [points, t]);

  if (points.length === 0) return <p className="muted">{t('trend.empty')}</p>;
  return (
    <figure className="trend">
      <div ref={ref} className="trend-chart" role="img" aria-label={t('trend.label', { count: points.length, last: percent(points[points.length - 1]?.rate) })} />
      {failed && <p className="muted">{t('trend.failed')}</p>}
    </figure>
  );
}
