import { createHash, randomUUID } from 'node:crypto';

/**
 * A small election that still has every shape the rules care about: two districts, a National Assembly unit that
 * spans both (districtIds), and a city-council contest whose two units are lists of polling areas.
 */
export function smallElection(electionId = `e-${randomUUID().slice(0, 8)}`) {
  return {
    electionId,
    name: 'Bầu cử thử nghiệm',
    pollingDate: '2021-05-23',
    districts: [
      { districtId: 'ba-dinh', name: 'Ba Đình' },
      { districtId: 'tay-ho', name: 'Tây Hồ' },
    ],
    pollingAreas: [
      { pollingAreaId: 'ba-dinh-0001', districtId: 'ba-dinh', registeredVoters: 1250 },
      { pollingAreaId: 'ba-dinh-0002', districtId: 'ba-dinh', registeredVoters: 900 },
      { pollingAreaId: 'tay-ho-0001', districtId: 'tay-ho', registeredVoters: 1000 },
      { pollingAreaId: 'tay-ho-0002', districtId: 'tay-ho', registeredVoters: 800 },
    ],
    contests: [
      {
        contestId: 'na',
        name: 'Quốc hội khóa XV',
        electoralUnits: [
          {
            unitId: 'na-01',
            name: 'Đơn vị số 1',
            seats: 2,
            districtIds: ['ba-dinh', 'tay-ho'],
            candidates: [
              { candidateId: 'na-01-1', name: 'Nguyễn Văn An', birthDate: '1965-04-12' },
              { candidateId: 'na-01-2', name: 'Trần Thị Bình', birthDate: '1972-09-01' },
              { candidateId: 'na-01-3', name: 'Lê Văn Cường', birthDate: '1980-01-30' },
            ],
          },
        ],
      },
      {
        contestId: 'hdnd-tp',
        name: 'HĐND thành phố',
        electoralUnits: [
          {
            unitId: 'tp-01',
            name: 'Đơn vị số 1',
            seats: 1,
            pollingAreaIds: ['ba-dinh-0001', 'ba-dinh-0002'],
            candidates: [
              { candidateId: 'tp-01-1', name: 'Phạm Thị Dung', birthDate: '1970-02-02' },
              { candidateId: 'tp-01-2', name: 'Hoàng Văn Em', birthDate: '1975-03-03' },
            ],
          },
          {
            unitId: 'tp-02',
            name: 'Đơn vị số 2',
            seats: 1,
            pollingAreaIds: ['tay-ho-0001', 'tay-ho-0002'],
            candidates: [
              { candidateId: 'tp-02-1', name: 'Vũ Thị Giang', birthDate: '1968-06-06' },
              { candidateId: 'tp-02-2', name: 'Đỗ Văn Hải', birthDate: '1969-07-07' },
            ],
          },
        ],
      },
    ],
  };
}

/** A valid NA sheet for ba-dinh-0001 (the example of the issue, with a third candidate). */
export function naSheet(overrides: Record<string, unknown> = {}) {
  return {
    submissionId: randomUUID(),
    pollingAreaId: 'ba-dinh-0001',
    contestId: 'na',
    registeredVoters: 1250,
    votersVoted: 1238,
    ballotsIssued: 1238,
    ballotsReceived: 1238,
    validBallots: 1220,
    invalidBallots: 18,
    candidateVotes: { 'na-01-1': 1010, 'na-01-2': 870, 'na-01-3': 400 },
    ...overrides,
  };
}

/** A valid NA sheet for ba-dinh-0002: 880 voted, 870 valid, 600 / 500 / 300. */
export function secondBaDinhNaSheet() {
  return naSheet({
    pollingAreaId: 'ba-dinh-0002',
    registeredVoters: 900,
    votersVoted: 880,
    ballotsIssued: 880,
    ballotsReceived: 880,
    validBallots: 870,
    invalidBallots: 10,
    candidateVotes: { 'na-01-1': 600, 'na-01-2': 500, 'na-01-3': 300 },
  });
}

/** A stable UUID for a text (retry keys such as reportId are UUIDs): the same text gives the same id. */
export function uuidFor(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const REGISTERED: Record<string, number> = {
  'ba-dinh-0001': 1250,
  'ba-dinh-0002': 900,
  'tay-ho-0001': 1000,
  'tay-ho-0002': 800,
};
const CANDIDATES: Record<string, Array<[string, number]>> = {
  na: [
    ['na-01-1', 0.8],
    ['na-01-2', 0.6],
    ['na-01-3', 0.3],
  ],
  'tp-01': [
    ['tp-01-1', 0.7],
    ['tp-01-2', 0.3],
  ],
  'tp-02': [
    ['tp-02-1', 0.4],
    ['tp-02-2', 0.6],
  ],
};

/**
 * A valid sheet of smallElection() for any polling area and contest: 10 fewer voted than listed, 10 invalid,
 * votes shared 80/60/30 % (NA: both seats filled) or 70/30 (tp-01), 40/60 (tp-02). `shift` moves that many votes
 * from the first candidate to the second (a different but valid sheet).
 */
export function sheetOf(pollingAreaId: string, contestId: 'na' | 'hdnd-tp', shift = 0) {
  const registeredVoters = REGISTERED[pollingAreaId];
  const votersVoted = registeredVoters - 10;
  const validBallots = votersVoted - 10;
  const unit = contestId === 'na' ? 'na' : pollingAreaId.startsWith('ba-dinh') ? 'tp-01' : 'tp-02';
  const candidateVotes = Object.fromEntries(
    CANDIDATES[unit].map(([id, share]) => [id, Math.floor(validBallots * share)]),
  );
  const [first, second] = Object.keys(candidateVotes);
  candidateVotes[first] -= shift;
  candidateVotes[second] += shift;
  return {
    submissionId: randomUUID(),
    pollingAreaId,
    contestId,
    registeredVoters,
    votersVoted,
    ballotsIssued: votersVoted,
    ballotsReceived: votersVoted,
    validBallots,
    invalidBallots: 10,
    candidateVotes,
  };
}

/**
 * A sheet whose paper record lists 20 voters added on the day: votersVoted above the definition's voters of the area,
 * so ANOMALY.VOTERS_EXCEED_LIST flags it (and the default review holds it).
 */
export function heldSheetOf(pollingAreaId: string, contestId: 'na' | 'hdnd-tp') {
  const s = sheetOf(pollingAreaId, contestId);
  return {
    ...s,
    registeredVoters: s.registeredVoters + 20,
    votersVoted: s.votersVoted + 20,
    ballotsIssued: s.ballotsIssued + 20,
    ballotsReceived: s.ballotsReceived + 20,
    invalidBallots: s.invalidBallots + 20,
  };
}

/** The counts of a sheet as a correction body takes them, with a reason. */
export function correctionOf(sheet: ReturnType<typeof sheetOf>, reason = 'Biên bản ghi nhầm số phiếu') {
  const { submissionId: _s, pollingAreaId: _p, contestId: _c, ...counts } = sheet;
  return { ...counts, reason };
}

export const POLLING_AREAS = Object.keys(REGISTERED);

/**
 * Files for PUT …/scan: a real 1×1 PNG, and JPEG / PDF bytes that start with their magic numbers (what the api checks)
 * followed by random bytes, so every call gives a file of its own.
 */
export const scanFiles = {
  png: () =>
    Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    ),
  jpeg: (size = 4096) =>
    Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), randomBytesOf(size - 6)]),
  pdf: (size = 2048) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytesOf(size - 9)]),
};

function randomBytesOf(size: number): Buffer {
  return Buffer.from(Array.from({ length: size }, () => Math.floor(Math.random() * 256)));
}
