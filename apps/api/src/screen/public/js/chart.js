// Turnout and reporting progress over time: one SVG line per series, redrawn from the timeline.
import { h, reconcile, s, setText } from './dom.js';

const WIDTH = 640;
const HEIGHT = 300;
const PAD = { left: 52, right: 16, top: 14, bottom: 34 };
const MAX_POINTS = 400;

export function renderChart(svg, legend, state, { t, fmt, shortName }) {
  const points = thin(state.timeline);
  const contests = state.city?.contests.map((c) => c.contestId) ?? [];
  const series = [
    { key: 'turnout', label: t.legendTurnout, value: (p) => p.turnout },
    ...contests.map((id) => ({
      key: `reporting-${id}`,
      label: t.legendReporting(shortName.get(id) ?? id),
      value: (p) => p.reporting?.[id],
    })),
  ];

  reconcile(
    legend,
    series.map((x, i) => ({ ...x, index: i })),
    (x) => x.key,
    (x) => {
      const label = h('span');
      const li = h('li', {}, h('span', { className: `swatch series-${x.index}` }), label);
      li._label = label;
      return li;
    },
    (li, x) => setText(li._label, x.label),
  );

  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t.timeline);
  svg.replaceChildren();
  const empty = document.getElementById('timeline-empty');
  empty.hidden = points.length > 0;
  setText(empty, t.noTimeline);
  svg.dataset.points = String(state.timeline.length);

  const times = points.map((p) => Date.parse(p.at));
  let t0 = Math.min(...times);
  let t1 = Math.max(...times);
  if (!points.length) {
    t0 = Date.now() - 3_600_000;
    t1 = Date.now();
  } else if (t1 - t0 < 60_000) {
    t0 -= 30 * 60_000;
    t1 += 30 * 60_000;
  }
  const x = (time) => PAD.left + ((time - t0) / (t1 - t0)) * (WIDTH - PAD.left - PAD.right);
  const y = (v) => HEIGHT - PAD.bottom - v * (HEIGHT - PAD.top - PAD.bottom);

  const grid = s('g', { className: 'grid' });
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    grid.append(
      s('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(v), y2: y(v) }),
      s('text', { x: PAD.left - 8, y: y(v) + 5, className: 'axis-y', text: fmt.pctWhole(v) }),
    );
  }
  const ticks = 5;
  // Within a quarter of an hour (a test, a fast replay) minutes alone would repeat: show seconds too.
  const tickLabel = t1 - t0 < 15 * 60_000 ? fmt.timeSeconds : fmt.time;
  for (let i = 0; i <= ticks; i++) {
    const time = t0 + ((t1 - t0) * i) / ticks;
    grid.append(
      s('text', {
        x: x(time),
        y: HEIGHT - 10,
        className: 'axis-x',
        'text-anchor': i === 0 ? 'start' : i === ticks ? 'end' : 'middle',
        text: tickLabel(new Date(time).toISOString()),
      }),
    );
  }
  svg.append(grid);

  series.forEach((line, index) => {
    const coords = [];
    points.forEach((p, i) => {
      const v = line.value(p);
      if (typeof v === 'number' && Number.isFinite(v))
        coords.push([x(times[i]), y(Math.max(0, Math.min(1, v)))]);
    });
    if (!coords.length) return;
    const group = s('g', { className: `series series-${index}`, 'data-series': line.key });
    group.append(
      s('polyline', { points: coords.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ') }),
    );
    const [lx, ly] = coords[coords.length - 1];
    group.append(s('circle', { cx: lx.toFixed(1), cy: ly.toFixed(1), r: 5 }));
    svg.append(group);
  });
}

/** At most MAX_POINTS points, always keeping the first and the last, so a long night stays cheap to draw. */
function thin(timeline) {
  if (timeline.length <= MAX_POINTS) return timeline;
  const step = timeline.length / (MAX_POINTS - 1);
  const kept = [];
  for (let i = 0; i < MAX_POINTS - 1; i++) kept.push(timeline[Math.floor(i * step)]);
  kept.push(timeline[timeline.length - 1]);
  return kept;
}
