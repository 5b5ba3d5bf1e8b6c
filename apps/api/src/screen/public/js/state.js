// The screen's state, built from the SSE messages of apps/api/src/live/live.contract.ts.
// A snapshot replaces everything; an update applies only when it is after the current position, so a message
// delivered twice (or an old one after a newer snapshot) changes nothing.

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
  };
}

export function applySnapshot(state, snapshot) {
  state.position = snapshot.position;
  state.electionId = snapshot.electionId;
  state.name = snapshot.name;
  state.pollingDate = snapshot.pollingDate;
  state.at = snapshot.at;
  state.districts = new Map(snapshot.districts.map((d) => [d.districtId, d]));
  state.city = snapshot.city;
  state.turnout = snapshot.turnout;
  state.corrections = [];
  state.correctionCounts = new Map();
  addCorrections(state, snapshot.corrections ?? []);
  // The snapshot's own corrections are only the latest 20; its counts cover all of them.
  if (snapshot.correctionsByDistrict)
    state.correctionCounts = new Map(Object.entries(snapshot.correctionsByDistrict));
  state.timeline = [...(snapshot.timeline ?? [])].sort((a, b) => a.position - b.position);
  return true;
}

/** Returns false (and changes nothing) for an update at or below the current position. */
export function applyUpdate(state, update) {
  if (state.position < 0 || update.position <= state.position) return false;
  state.position = update.position;
  state.at = update.at;
  for (const district of update.districts ?? []) state.districts.set(district.districtId, district);
  if (update.city) state.city = update.city;
  if (update.turnout) state.turnout = update.turnout;
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
