// The screen's state, built from the SSE messages of apps/api/src/live/live.contract.ts.
// A snapshot replaces everything; an update is a delta (delta.js) from the state at its fromPosition, and applies
// only when it is after the current position, so a message delivered twice (or an old one after a newer snapshot)
// changes nothing. An update that starts before the current position cannot apply: `outOfStep` asks for a
// fresh snapshot (the server never sends one, but a page must not show wrong figures if it did).

import { applyDelta, withRatios } from './delta.js';

const MAX_CORRECTIONS = 20;

export function createState() {
  return {
    position: -1,
    electionId: undefined,
    name: '',
    pollingDate: '',
    at: undefined,
    /** districtId → DistrictResult, in the order of the definition. */
    districts: new Map(),
    city: undefined,
    turnout: undefined,
    /** Newest first. */
    corrections: [],
    /** districtId → corrections: the snapshot's counts, plus every correction of a later update. */
    correctionCounts: new Map(),
    timeline: [],
    outOfStep: false,
  };
}

export function applySnapshot(state, snapshot) {
  state.position = snapshot.position;
  state.electionId = snapshot.electionId;
  state.name = snapshot.name;
  state.pollingDate = snapshot.pollingDate;
  state.at = snapshot.at;
  const view = withRatios(snapshot);
  state.districts = new Map(view.districts.map((d) => [d.districtId, d]));
  state.city = view.city;
  state.turnout = snapshot.turnout;
  state.corrections = [];
  state.correctionCounts = new Map();
  addCorrections(state, snapshot.corrections ?? []);
  // The snapshot's own corrections are only the latest 20; its counts cover all of them.
  if (snapshot.correctionsByDistrict)
    state.correctionCounts = new Map(Object.entries(snapshot.correctionsByDistrict));
  state.timeline = [...(snapshot.timeline ?? [])].sort((a, b) => a.position - b.position);
  state.outOfStep = false;
  return true;
}

/** Returns false (and changes nothing) for an update at or below the current position. */
export function applyUpdate(state, update) {
  if (state.position < 0 || update.position <= state.position) return false;
  if (update.fromPosition < state.position) {
    state.outOfStep = true;
    return false;
  }
  state.position = update.position;
  state.at = update.at;
  // The ratios follow the counts: derived again after the deltas (which never carry them) are applied.
  const view = withRatios({
    districts:
      update.districts === undefined
        ? [...state.districts.values()]
        : applyDelta([...state.districts.values()], update.districts),
    city: update.city === undefined ? state.city : applyDelta(state.city, update.city),
  });
  state.districts = new Map(view.districts.map((d) => [d.districtId, d]));
  state.city = view.city;
  if (update.turnout !== undefined) state.turnout = applyDelta(state.turnout, update.turnout);
  addCorrections(state, update.corrections ?? []);
  const last = state.timeline.length ? state.timeline[state.timeline.length - 1].position : -1;
  for (const point of [...(update.timeline ?? [])].sort((a, b) => a.position - b.position)) {
    if (point.position > last) state.timeline.push(point);
  }
  return true;
}

function addCorrections(state, corrections) {
  const known = new Set(state.corrections.map(correctionKey));
  const fresh = corrections.filter((c) => !known.has(correctionKey(c)));
  for (const correction of fresh) {
    state.correctionCounts.set(
      correction.districtId,
      (state.correctionCounts.get(correction.districtId) ?? 0) + 1,
    );
  }
  state.corrections = [...fresh, ...state.corrections]
    .sort((a, b) => b.position - a.position)
    .slice(0, MAX_CORRECTIONS);
}

function correctionKey(correction) {
  return `${correction.position}/${correction.pollingAreaId}/${correction.contestId}`;
}
