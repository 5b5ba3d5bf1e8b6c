// Renders the state into the page in place: elements are created once per key and their figures updated after.
import { renderChart } from './chart.js';
import { h, reconcile, setShare, setText } from './dom.js';

export function render(state, ctx) {
  const { t } = ctx;
  renderHeader(state, ctx);
  const contests = state.city?.contests ?? [];
  const shortName = new Map(contests.map((c) => [c.contestId, t.contestShort(c.name)]));
  const tinyName = new Map(contests.map((c) => [c.contestId, t.contestTiny(t.contestShort(c.name))]));
  const view = { ...ctx, shortName, tinyName, candidateNames: candidateNames(contests) };
  renderCityCards(document.getElementById('city-cards'), state, view);
  renderTiles(document.getElementById('district-tiles'), state, view);
  renderUnits(document.getElementById('units'), contests, view);
  renderCorrections(document.getElementById('corrections'), state, view);
  renderChart(
    document.getElementById('timeline-chart'),
    document.getElementById('timeline-legend'),
    state,
    view,
  );
  document.body.dataset.position = String(state.position);
}

function renderHeader(state, { t, fmt }) {
  setText(document.getElementById('election-name'), state.name);
  setText(document.getElementById('election-date'), fmt.day(state.pollingDate));
  setText(document.getElementById('updated-at'), state.at ? t.updatedAt(fmt.timeSeconds(state.at)) : '');
}

// ---- city totals -------------------------------------------------------------------------------------------

function renderCityCards(container, state, view) {
  const { t, fmt } = view;
  const cards = [];
  if (state.turnout) cards.push({ kind: 'turnout', key: 'turnout' });
  for (const contest of state.city?.contests ?? [])
    cards.push({ kind: 'contest', key: `c/${contest.contestId}`, contest });
  reconcile(
    container,
    cards,
    (card) => card.key,
    (card) => (card.kind === 'turnout' ? createTurnoutCard() : createContestCard(card.contest)),
    (element, card) => {
      if (card.kind === 'turnout') updateTurnoutCard(element, state.turnout.city, t, fmt);
      else updateContestCard(element, card.contest, view);
    },
  );
}

function createTurnoutCard() {
  const refs = {
    title: h('h3'),
    value: h('strong', { className: 'big', testid: 'city-turnout' }),
    voted: h('span', { testid: 'city-turnout-voters' }),
    registered: h('span'),
    areasLabel: h('span', { className: 'label' }),
    areas: h('span', { className: 'figure', testid: 'city-turnout-areas' }),
    bar: h('span', { className: 'fill' }),
    note: h('p', { className: 'note' }),
  };
  const card = h(
    'article',
    { className: 'card card-turnout', testid: 'city-turnout-card' },
    refs.title,
    refs.value,
    h('p', { className: 'sub' }, refs.voted, ' / ', refs.registered),
    h('div', { className: 'bar' }, refs.bar),
    h('p', { className: 'row' }, refs.areasLabel, refs.areas),
    refs.note,
  );
  card._refs = refs;
  return card;
}

function updateTurnoutCard(card, figures, t, fmt) {
  const r = card._refs;
  setText(r.title, t.turnout);
  setText(r.value, fmt.pct(figures.latest.turnout));
  setText(r.voted, fmt.int(figures.latest.votersVoted));
  setText(r.registered, fmt.int(figures.registeredVoters));
  setShare(r.bar, figures.latest.turnout);
  setText(r.areasLabel, t.areasReported);
  setText(
    r.areas,
    `${fmt.int(figures.latest.pollingAreasReported)} / ${fmt.int(figures.pollingAreasExpected)} · ${fmt.int(
      figures.latest.pollingAreasComplete,
    )} ${t.areasComplete}`,
  );
  setText(r.note, t.turnoutReports);
}

function createContestCard(contest) {
  const id = contest.contestId;
  const refs = {
    title: h('h3'),
    complete: h('span', { className: 'pill pill-complete', hidden: true }),
    areasLabel: h('span', { className: 'label' }),
    areas: h('strong', { className: 'big', testid: `city-reported-${id}` }),
    expected: h('span', { className: 'of' }),
    bar: h('span', { className: 'fill' }),
    figures: h('dl', { className: 'figures' }),
  };
  refs.rows = {};
  for (const field of ['votersVoted', 'validBallots', 'invalidBallots', 'turnout']) {
    const dt = h('dt');
    const dd = h('dd', { testid: `city-${field}-${id}` });
    refs.rows[field] = { dt, dd };
    refs.figures.append(dt, dd);
  }
  const card = h(
    'article',
    { className: 'card card-contest', testid: `city-contest-${id}` },
    h('header', {}, refs.title, refs.complete),
    refs.areasLabel,
    h('p', { className: 'progress' }, refs.areas, refs.expected),
    h('div', { className: 'bar' }, refs.bar),
    refs.figures,
  );
  card._refs = refs;
  return card;
}

function updateContestCard(card, contest, { t, fmt, shortName }) {
  const r = card._refs;
  setText(r.title, shortName.get(contest.contestId));
  r.title.title = contest.name;
  r.complete.hidden = !contest.complete;
  setText(r.complete, t.complete);
  setText(r.areasLabel, t.areasReported);
  setText(r.areas, fmt.int(contest.pollingAreasReported));
  setText(r.expected, ` / ${fmt.int(contest.pollingAreasExpected)}`);
  setShare(r.bar, share(contest.pollingAreasReported, contest.pollingAreasExpected));
  const labels = {
    votersVoted: t.votersVoted,
    validBallots: t.validBallots,
    invalidBallots: t.invalidBallots,
    turnout: t.turnoutOfReported,
  };
  for (const [field, { dt, dd }] of Object.entries(r.rows)) {
    setText(dt, labels[field]);
    setText(dd, field === 'turnout' ? fmt.pct(contest.turnout) : fmt.int(contest[field]));
  }
}

// ---- district tiles ----------------------------------------------------------------------------------------

function renderTiles(container, state, view) {
  const turnoutOf = new Map((state.turnout?.districts ?? []).map((d) => [d.districtId, d]));
  reconcile(
    container,
    [...state.districts.values()],
    (d) => d.districtId,
    (d) => createTile(d),
    (tile, d) =>
      updateTile(tile, d, turnoutOf.get(d.districtId), state.correctionCounts.get(d.districtId) ?? 0, view),
  );
}

function createTile(district) {
  const id = district.districtId;
  const refs = {
    name: h('h3', { className: 'tile-name' }),
    corrections: h('span', { className: 'badge', testid: `district-corrections-${id}` }),
    turnout: h('strong', { className: 'tile-turnout', testid: `district-turnout-${id}` }),
    contests: h('ul', { className: 'tile-contests' }),
  };
  const tile = h(
    'article',
    { className: 'tile', testid: `district-${id}` },
    h('header', {}, refs.name, refs.corrections, refs.turnout),
    refs.contests,
  );
  tile._refs = refs;
  return tile;
}

function updateTile(tile, district, turnout, corrections, { t, fmt, tinyName }) {
  const r = tile._refs;
  setText(r.name, district.name);
  r.name.title = district.name;
  setText(
    r.turnout,
    turnout && turnout.latest.pollingAreasReported > 0 ? fmt.pct(turnout.latest.turnout) : '—',
  );
  r.turnout.title = t.turnout;
  r.corrections.hidden = corrections === 0;
  setText(r.corrections, fmt.int(corrections));
  r.corrections.title = t.correctionsCount(fmt.int(corrections));
  r.corrections.dataset.count = String(corrections);
  tile.classList.toggle('has-corrections', corrections > 0);
  reconcile(
    r.contests,
    district.contests,
    (c) => c.contestId,
    (c) => {
      const label = h('span', { className: 'contest-label' });
      const count = h('span', {
        className: 'count',
        testid: `district-reported-${district.districtId}-${c.contestId}`,
      });
      const fill = h('span', { className: 'fill' });
      const li = h('li', {}, label, count, h('div', { className: 'bar' }, fill));
      li._refs = { label, count, fill };
      return li;
    },
    (li, c) => {
      setText(li._refs.label, tinyName.get(c.contestId) ?? c.name);
      setText(li._refs.count, `${fmt.int(c.pollingAreasReported)}/${fmt.int(c.pollingAreasExpected)}`);
      li._refs.count.title = t.areasReported;
      setShare(li._refs.fill, share(c.pollingAreasReported, c.pollingAreasExpected));
      li.classList.toggle(
        'done',
        c.pollingAreasExpected > 0 && c.pollingAreasReported === c.pollingAreasExpected,
      );
    },
  );
}

// ---- electoral units ---------------------------------------------------------------------------------------

function renderUnits(container, contests, view) {
  reconcile(
    container,
    contests,
    (c) => c.contestId,
    (c) => {
      const title = h('h3', { className: 'contest-title' });
      const grid = h('div', { className: 'unit-grid' });
      const section = h(
        'section',
        { className: 'contest-units', testid: `units-${c.contestId}` },
        title,
        grid,
      );
      section._refs = { title, grid };
      return section;
    },
    (section, contest) => {
      setText(section._refs.title, contest.name);
      reconcile(
        section._refs.grid,
        contest.units,
        (u) => u.unitId,
        (u) => createUnit(contest.contestId, u),
        (card, u) => updateUnit(card, u, view),
      );
    },
  );
}

function createUnit(contestId, unit) {
  const refs = {
    name: h('h4'),
    seats: h('span', { className: 'seats' }),
    status: h('span', { className: 'pill', testid: `unit-status-${contestId}-${unit.unitId}` }),
    provisional: h('span', { className: 'pill pill-provisional' }),
    certified: h('span', {
      className: 'pill pill-certified',
      testid: `unit-certified-${contestId}-${unit.unitId}`,
    }),
    meta: h('p', { className: 'unit-meta' }),
    rows: h('tbody'),
  };
  const card = h(
    'article',
    { className: 'unit', testid: `unit-${contestId}-${unit.unitId}` },
    h('header', {}, refs.name, refs.seats, refs.status, refs.provisional, refs.certified),
    refs.meta,
    h('table', {}, refs.rows),
  );
  card._refs = refs;
  return card;
}

function updateUnit(card, unit, { t, fmt }) {
  const r = card._refs;
  setText(r.name, unit.name);
  setText(r.seats, t.seats(unit.seats));
  setText(r.status, unit.unresolvedTie ? t.unresolvedTie : (t.status[unit.status] ?? unit.status));
  r.status.dataset.status = unit.status;
  r.status.className = `pill pill-status status-${unit.status}${unit.unresolvedTie ? ' status-tie' : ''}`;
  setText(r.provisional, unit.provisional ? t.provisional : t.final);
  r.provisional.classList.toggle('is-final', !unit.provisional);
  // The unit's record is certified (the board's biên bản xác định kết quả): marked until a revocation.
  setText(r.certified, unit.certified ? t.certified : '');
  r.certified.hidden = !unit.certified;
  r.certified.dataset.position = unit.certified ? String(unit.certified.position) : '';
  const held = unit.pollingAreasHeld ? ` · ${t.heldShort} ${fmt.int(unit.pollingAreasHeld)}` : '';
  setText(
    r.meta,
    `${t.areasReportedShort} ${fmt.int(unit.pollingAreasReported)}/${fmt.int(unit.pollingAreasExpected)} · ${
      t.turnoutShort
    } ${fmt.pct(unit.turnout)}${held}`,
  );
  reconcile(
    r.rows,
    unit.candidates,
    (c) => c.candidateId,
    (c) => {
      const name = h('span', { className: 'cand-name' });
      const elected = h('span', { className: 'elected', testid: `candidate-elected-${c.candidateId}` });
      const votes = h('td', { className: 'num', testid: `candidate-votes-${c.candidateId}` });
      const pct = h('td', { className: 'num share', testid: `candidate-share-${c.candidateId}` });
      const fill = h('span', { className: 'fill' });
      const row = h(
        'tr',
        { testid: `candidate-${c.candidateId}` },
        h('td', { className: 'cand' }, name, elected),
        votes,
        pct,
        h('td', { className: 'bar-cell' }, h('div', { className: 'bar' }, fill)),
      );
      row._refs = { name, elected, votes, pct, fill };
      return row;
    },
    (row, c) => {
      const x = row._refs;
      setText(x.name, c.name);
      x.elected.hidden = !c.elected;
      setText(x.elected, unit.provisional ? t.electedProvisional : t.elected);
      setText(x.votes, fmt.int(c.votes));
      setText(x.pct, fmt.pct(c.share));
      setShare(x.fill, c.share);
      row.classList.toggle('is-elected', c.elected);
    },
  );
}

// ---- corrections feed --------------------------------------------------------------------------------------

function renderCorrections(list, state, view) {
  const { t } = view;
  const empty = document.getElementById('corrections-empty');
  empty.hidden = state.corrections.length > 0;
  setText(empty, t.noCorrections);
  reconcile(
    list,
    state.corrections,
    (c) => `${c.position}/${c.pollingAreaId}/${c.contestId}`,
    () => {
      const refs = {
        time: h('time'),
        where: h('strong'),
        what: h('span', { className: 'what' }),
        reason: h('p', { className: 'reason', testid: 'correction-reason' }),
        changes: h('p', { className: 'changes' }),
        actor: h('p', { className: 'actor' }),
      };
      const li = h(
        'li',
        { className: 'correction', testid: 'correction' },
        h('p', { className: 'head' }, refs.time, ' ', refs.where, ' ', refs.what),
        refs.reason,
        refs.changes,
        refs.actor,
      );
      li._refs = refs;
      return li;
    },
    (li, c) => updateCorrection(li, c, state, view),
  );
}

function updateCorrection(li, c, state, { t, fmt, shortName, candidateNames }) {
  const r = li._refs;
  li.dataset.position = String(c.position);
  r.time.dateTime = c.at;
  setText(r.time, fmt.time(c.at));
  setText(r.where, state.districts.get(c.districtId)?.name ?? c.districtId);
  setText(r.what, `· ${t.pollingArea} ${c.pollingAreaId} · ${shortName.get(c.contestId) ?? c.contestId}`);
  setText(r.reason, `“${c.reason}”`);
  const fieldName = (field) => {
    if (field.startsWith('candidateVotes.')) {
      const id = field.slice('candidateVotes.'.length);
      return candidateNames.get(id) ?? id;
    }
    return t[field] ?? field;
  };
  setText(
    r.changes,
    (c.changes ?? [])
      .map((x) => `${fieldName(x.field)}: ${fmt.int(x.before)} → ${fmt.int(x.after)}`)
      .join(' · '),
  );
  setText(r.actor, `${t.by} ${c.actor?.id ?? '?'}${c.actor?.role ? ` (${c.actor.role})` : ''}`);
}

// ---- helpers -----------------------------------------------------------------------------------------------

function share(part, whole) {
  return whole > 0 ? part / whole : 0;
}

function candidateNames(contests) {
  const names = new Map();
  for (const contest of contests) {
    for (const unit of contest.units) for (const c of unit.candidates) names.set(c.candidateId, c.name);
  }
  return names;
}
