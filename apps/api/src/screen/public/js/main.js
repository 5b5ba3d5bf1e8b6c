// The press-room screen: picks the election, follows GET /elections/{e}/live (Server-Sent Events) and renders.
import { formatter } from './format.js';
import { labels, locale, storedLanguage, storeLanguage } from './i18n.js';
import { render } from './render.js';
import { applySnapshot, applyUpdate, createState } from './state.js';

const state = createState();
let lang = storedLanguage();
let ctx = context(lang);
let connection = 'connecting';
let notice;
let renderPending = false;
/** Read by the browser specs and latency measurements: renders done, the last one's cost, the position shown. */
const stats = { renders: 0, lastRenderMs: 0, position: -1, updatesIgnored: 0 };
window.tallyScreen = stats;

function context(language) {
  return { lang: language, t: labels(language), fmt: formatter(locale(language)) };
}

function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  const run = () => {
    renderPending = false;
    const started = performance.now();
    render(state, ctx);
    stats.renders += 1;
    stats.lastRenderMs = Math.round(performance.now() - started);
    stats.position = state.position;
  };
  // A hidden tab gets no animation frames; it still follows the stream, a little less eagerly.
  if (document.hidden) setTimeout(run, 250);
  else requestAnimationFrame(run);
}

function applyLabels() {
  const { t } = ctx;
  document.documentElement.lang = lang;
  document.title = state.name ? `${t.title} — ${state.name}` : t.pageTitle;
  for (const element of document.querySelectorAll('[data-i18n]'))
    element.textContent = t[element.dataset.i18n];
  const toggle = document.getElementById('lang-toggle');
  toggle.textContent = t.switchToShort;
  toggle.title = t.switchTo;
  toggle.setAttribute('aria-label', t.switchTo);
  document.getElementById('election-picker').setAttribute('aria-label', t.chooseElection);
  setConnection(connection);
  showNotice(notice);
  renderCheckpoint();
}

function setConnection(next) {
  connection = next;
  const element = document.getElementById('connection');
  element.dataset.state = next;
  element.textContent = ctx.t.connection[next];
  document.body.dataset.connection = next;
}

/** A message instead of figures: a function of the labels, so it follows the language toggle. */
function showNotice(message) {
  notice = message;
  const element = document.getElementById('notice');
  element.hidden = !message;
  element.textContent = message ? message(ctx.t) : '';
}

function connect(electionId) {
  // `?contest=<id>` on the page: the stream of that contest alone (a national night's snapshot is ~13 MB whole).
  const contest = new URLSearchParams(location.search).get('contest');
  const url = `/elections/${encodeURIComponent(electionId)}/live${contest ? `?contest=${encodeURIComponent(contest)}` : ''}`;
  let retryMs = 1000;
  const open = () => {
    const source = new EventSource(url);
    source.onopen = () => {
      retryMs = 1000;
      setConnection('live');
    };
    source.onerror = () => {
      setConnection('disconnected');
      // CONNECTING: the browser reconnects by itself and resends Last-Event-ID. CLOSED (an error status, or no
      // event stream at all): it gave up, so open a new stream; that one starts with a fresh snapshot.
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        void checkElection(electionId);
        setTimeout(open, retryMs);
        retryMs = Math.min(retryMs * 2, 30_000);
      }
    };
    source.addEventListener('snapshot', (event) => {
      applySnapshot(state, JSON.parse(event.data));
      showNotice(undefined);
      document.title = `${ctx.t.title} — ${state.name}`;
      scheduleRender();
    });
    source.addEventListener('update', (event) => {
      if (applyUpdate(state, JSON.parse(event.data))) scheduleRender();
      else stats.updatesIgnored += 1;
      // A delta that does not follow the page's state: start again from a snapshot (a new stream has no Last-Event-ID).
      if (state.outOfStep) {
        source.close();
        open();
      }
    });
  };
  open();
}

/**
 * The latest signed checkpoint (GET /elections/{e}/audit/checkpoint, public): its digest is shown in full so a
 * journalist can write it down and check a later export against it (verify-export --checkpoint --public-key).
 */
let checkpoint;
async function showCheckpoint(electionId) {
  try {
    const response = await fetch(`/elections/${encodeURIComponent(electionId)}/audit/checkpoint`, {
      headers: { accept: 'application/json' },
    });
    if (response.ok) {
      checkpoint = await response.json();
      renderCheckpoint();
    }
  } catch {
    // offline: the indicator already says so
  }
}

function renderCheckpoint() {
  if (!checkpoint) return;
  const footer = document.querySelector('[data-testid="checkpoint"]');
  footer.hidden = false;
  document.getElementById('checkpoint-digest').textContent = checkpoint.digest;
  document.getElementById('checkpoint-at').textContent = ctx.t.checkpointAt(
    ctx.fmt.int(checkpoint.eventCount),
    ctx.fmt.int(checkpoint.position),
  );
}

/** Asked again every few seconds, but only once the page has shown something newer than the digest. */
function followCheckpoint(electionId) {
  void showCheckpoint(electionId);
  setInterval(() => {
    if (stats.position > (checkpoint?.position ?? -1)) void showCheckpoint(electionId);
  }, CHECKPOINT_REFRESH_MS);
}
const CHECKPOINT_REFRESH_MS = 5_000;

async function checkElection(electionId) {
  try {
    const response = await fetch(`/elections/${encodeURIComponent(electionId)}`, {
      headers: { accept: 'application/json' },
    });
    if (response.status === 404) showNotice((t) => t.electionNotFound(electionId));
  } catch {
    // offline: the indicator already says so
  }
}

/** GET /elections (newest first). Missing or failing, the page asks for ?election= instead. */
async function listElections() {
  try {
    const response = await fetch('/elections', { headers: { accept: 'application/json' } });
    if (!response.ok) return [];
    const body = await response.json();
    const list = Array.isArray(body) ? body : (body.elections ?? body.items ?? []);
    return list.filter((e) => e && typeof e.electionId === 'string');
  } catch {
    return [];
  }
}

function fillPicker(elections, current) {
  const picker = document.getElementById('election-picker');
  if (elections.length < 2) return;
  picker.replaceChildren(
    ...elections.map((e) => {
      const option = document.createElement('option');
      option.value = e.electionId;
      option.textContent = e.name ? `${e.name} (${e.electionId})` : e.electionId;
      option.selected = e.electionId === current;
      return option;
    }),
  );
  picker.hidden = false;
  picker.addEventListener('change', () => {
    const url = new URL(location.href);
    url.searchParams.set('election', picker.value);
    url.searchParams.delete('contest');
    location.assign(url);
  });
}

function listenToToggle() {
  document.getElementById('lang-toggle').addEventListener('click', () => {
    lang = lang === 'vi' ? 'en' : 'vi';
    storeLanguage(lang);
    ctx = context(lang);
    applyLabels();
    if (state.position >= 0) scheduleRender();
  });
}

/** `?election=<id>`, else the newest of GET /elections; a screen switched on before any election waits for one. */
async function pickElection() {
  const requested = new URLSearchParams(location.search).get('election');
  const elections = await listElections();
  const electionId = requested || elections[0]?.electionId;
  if (!electionId) {
    setConnection('idle');
    showNotice((t) => t.noElection);
    setTimeout(() => void pickElection(), 5000);
    return;
  }
  fillPicker(elections, electionId);
  showNotice((t) => t.waiting);
  connect(electionId);
  followCheckpoint(electionId);
}

listenToToggle();
applyLabels();
void pickElection();
