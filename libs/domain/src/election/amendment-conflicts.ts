import { OnRecord } from './election.commands';
import { AreaPlacement, pollingAreaChanges, unitChanges, unitsTouched } from './election-amendment';
import { ElectionIndex } from './election-index';

/** One thing on record that an amendment would contradict. */
export interface AmendmentConflict {
  /** `sheet`: a stored tally sheet; `turnout`: a stored turnout report; `certification`: a certified unit's record. */
  record: 'sheet' | 'turnout' | 'certification';
  message: string;
  pollingAreaId?: string;
  contestId?: string;
  unitId?: string;
  candidateId?: string;
}

/**
 * Where the amended definition would contradict what is on record. A stored sheet was counted in its district and
 * unit, against the unit's candidate list, seats and the area's voter list, so an amendment may not:
 * - remove or move (to another district, or another unit of that contest) a polling area that has a sheet,
 *   nor change its registered voters;
 * - withdraw or add a candidate, or change the seats, of a unit that has sheets (its ballots were printed and
 *   counted with that list: a withdrawal with 0 votes on every sheet still changes what the sheets list).
 * A turnout report was checked against the area's district and voter list: an area that reported turnout may not
 * be removed, moved to another district, or have its registered voters changed.
 * A certified unit's record lists its polling areas, candidates and seats: an amendment may not change them (no area
 * added to it, moved into or out of it, removed, or with other voters; no candidate or seat change) until the
 * certification is revoked. Renames never conflict.
 */
export function conflictsWithRecord(
  before: ElectionIndex,
  after: ElectionIndex,
  onRecord: OnRecord,
): AmendmentConflict[] {
  const conflicts: AmendmentConflict[] = [];
  const areas = new Map(pollingAreaChanges(before, after).map((c) => [c.pollingAreaId, c]));

  for (const sheet of onRecord.sheets) {
    const change = areas.get(sheet.pollingAreaId);
    if (!change) continue;
    const where = { pollingAreaId: sheet.pollingAreaId, contestId: sheet.contestId, unitId: sheet.unitId };
    const has = `Polling area ${sheet.pollingAreaId} has a stored ${sheet.contestId} sheet (counted in district ${sheet.districtId}, unit ${sheet.unitId})`;
    const { after: now } = change;
    if (!now) {
      conflicts.push({ record: 'sheet', ...where, message: `${has}: it cannot be removed` });
      continue;
    }
    if (now.districtId !== sheet.districtId || now.units[sheet.contestId] !== sheet.unitId) {
      conflicts.push({
        record: 'sheet',
        ...where,
        message: `${has}: it cannot move to ${describe(now, sheet.contestId)}`,
      });
    }
    if (change.before && change.before.registeredVoters !== now.registeredVoters) {
      conflicts.push({
        record: 'sheet',
        ...where,
        message: `${has}: its voter list is closed (${change.before.registeredVoters} registered voters)`,
      });
    }
  }

  const units = new Map(onRecord.units.map((u) => [`${u.contestId}|${u.unitId}`, u]));
  for (const change of unitChanges(before, after)) {
    const record = units.get(`${change.contestId}|${change.unitId}`);
    if (!record || record.sheets === 0) continue;
    const unit = { contestId: change.contestId, unitId: change.unitId };
    const sheets = `${record.sheets} stored sheet${record.sheets === 1 ? '' : 's'}`;
    for (const candidateId of change.withdrawn) {
      const votes = record.candidateVotes[candidateId] ?? 0;
      conflicts.push({
        record: 'sheet',
        ...unit,
        candidateId,
        message: `Candidate ${candidateId} has ${votes} votes on the ${sheets} of unit ${change.unitId}: a withdrawal cannot take them back`,
      });
    }
    for (const candidateId of change.added) {
      conflicts.push({
        record: 'sheet',
        ...unit,
        candidateId,
        message: `Unit ${change.unitId} has ${sheets} that do not list candidate ${candidateId}`,
      });
    }
    if (change.seatsBefore !== undefined) {
      conflicts.push({
        record: 'sheet',
        ...unit,
        message: `Unit ${change.unitId} has ${sheets} counted for ${change.seatsBefore} seats (a valid ballot keeps at most that many names)`,
      });
    }
  }

  for (const pollingAreaId of onRecord.turnoutReported) {
    const change = areas.get(pollingAreaId);
    if (!change?.before) continue;
    const has = `Polling area ${pollingAreaId} has reported turnout (district ${change.before.districtId}, ${change.before.registeredVoters} registered voters)`;
    if (!change.after)
      conflicts.push({ record: 'turnout', pollingAreaId, message: `${has}: it cannot be removed` });
    else if (change.after.districtId !== change.before.districtId)
      conflicts.push({
        record: 'turnout',
        pollingAreaId,
        message: `${has}: it cannot move to district ${change.after.districtId}`,
      });
    else if (change.after.registeredVoters !== change.before.registeredVoters)
      conflicts.push({ record: 'turnout', pollingAreaId, message: `${has}: its voter list is closed` });
  }
  const certified = new Set(onRecord.certifiedUnits.map((u) => `${u.contestId}|${u.unitId}`));
  for (const unit of unitsTouched(before, after)) {
    if (!certified.has(`${unit.contestId}|${unit.unitId}`)) continue;
    conflicts.push({
      record: 'certification',
      ...unit,
      message: `Unit ${unit.unitId} of ${unit.contestId} is certified: its record lists its polling areas, candidates and seats; revoke the certification first`,
    });
  }
  return conflicts;
}

function describe(placement: AreaPlacement, contestId: string): string {
  const unit = placement.units[contestId];
  return `district ${placement.districtId}, ${unit ? `unit ${unit}` : `no unit of ${contestId}`}`;
}
