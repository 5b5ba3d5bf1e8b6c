import { DeciderSpecification } from '../testing/decider-spec';
import { smallElection, testContext } from '../testing/election-fixture';
import { AmendElection, NOTHING_ON_RECORD, OnRecord } from './election.commands';
import { AmendmentChange, amendDefinition, PollingAreaChange } from './election-amendment';
import {
  amendmentFootprint,
  decideElection,
  evolveElection,
  foldElection,
  initialElectionState,
} from './election.decider';
import { ElectionAmended, ElectionDefined, ElectionEvent } from './election.events';
import { ElectionDefinition } from './election.types';

const spec = DeciderSpecification.for({
  decide: decideElection,
  evolve: evolveElection,
  initialState: initialElectionState,
});

const NOW = '2021-05-16T09:00:00.000Z';
const REASON = 'Hội đồng bầu cử quốc gia: rút tên ứng cử viên';

const defined: ElectionDefined = {
  type: 'ElectionDefined',
  data: { definition: smallElection(), definedAt: '2021-05-01T08:00:00.000Z' },
};

const amend = (
  changes: AmendmentChange[],
  options: { onRecord?: Partial<OnRecord>; expectedRevision?: number; reason?: string } = {},
): AmendElection => ({
  type: 'AmendElection',
  electionId: 'e-1',
  expectedRevision: options.expectedRevision ?? 0,
  reason: options.reason ?? REASON,
  changes,
  onRecord: { ...NOTHING_ON_RECORD, ...options.onRecord },
  context: testContext(NOW),
});

/** The event decide must produce for these changes, and the definition they lead to. */
function amended(changes: AmendmentChange[], pollingAreaChanges: PollingAreaChange[] = []): ElectionAmended {
  return {
    type: 'ElectionAmended',
    data: { electionId: 'e-1', reason: REASON, changes, pollingAreaChanges, amendedAt: NOW },
  };
}

function definitionAfter(events: ElectionEvent[]): ElectionDefinition {
  const state = foldElection(events);
  if (state.status !== 'defined') throw new Error('not defined');
  return state.definition;
}

/** A sheet of north-01 in contest na, counted in district north and unit na-01. */
const naSheetOnRecord = { pollingAreaId: 'north-01', contestId: 'na', districtId: 'north', unitId: 'na-01' };
const naUnitOnRecord = {
  contestId: 'na',
  unitId: 'na-01',
  sheets: 1,
  candidateVotes: { 'na-01-1': 900, 'na-01-2': 700, 'na-01-3': 300 },
};

describe('amending an election definition', () => {
  describe('withdraw a candidate', () => {
    const change: AmendmentChange = { type: 'withdrawCandidate', contestId: 'na', candidateId: 'na-01-3' };

    it('is accepted while the unit has no sheet: the definition in force lists one candidate less', () => {
      spec
        .given([defined])
        .when(amend([change]))
        .then([amended([change])]);
      const units = definitionAfter([defined, amended([change])]).contests[0].electoralUnits;
      expect(units[0].candidates.map((c) => c.candidateId)).toEqual(['na-01-1', 'na-01-2']);
    });

    it('ELECTION.SEATS_OUT_OF_RANGE: not below the seats (2 seats need 2 candidates)', () => {
      const second: AmendmentChange = { type: 'withdrawCandidate', contestId: 'na', candidateId: 'na-01-2' };
      spec
        .given([defined])
        .when(amend([change, second]))
        .thenViolates('ELECTION.SEATS_OUT_OF_RANGE');
    });

    it('ELECTION.AMENDMENT_UNKNOWN_REFERENCE: an unknown candidate or contest', () => {
      const error = spec
        .given([defined])
        .when(
          amend([
            { type: 'withdrawCandidate', contestId: 'na', candidateId: 'na-09-9' },
            { type: 'withdrawCandidate', contestId: 'senate', candidateId: 'na-01-1' },
          ]),
        )
        .thenViolates('ELECTION.AMENDMENT_UNKNOWN_REFERENCE');
      expect(error.violations.map((v) => v.field)).toEqual([
        'changes[0].candidateId',
        'changes[1].contestId',
      ]);
    });

    it('ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS: not a candidate named on stored sheets (409, with the votes)', () => {
      const error = spec
        .given([defined])
        .when(amend([change], { onRecord: { units: [naUnitOnRecord] } }))
        .thenThrows('ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS', 'conflict');
      expect(error.details.conflicts).toEqual([
        expect.objectContaining({
          record: 'sheet',
          contestId: 'na',
          unitId: 'na-01',
          candidateId: 'na-01-3',
        }),
      ]);
      expect(error.message).toContain('300 votes on the 1 stored sheet');
    });
  });

  describe('add a candidate', () => {
    const change: AmendmentChange = {
      type: 'addCandidate',
      contestId: 'council',
      unitId: 'c-02',
      candidate: { candidateId: 'c-02-3', name: 'Ngô Văn Minh', birthDate: '1979-05-05' },
    };

    it('is accepted while the unit has no sheet', () => {
      spec
        .given([defined])
        .when(amend([change]))
        .then([amended([change])]);
      const unit = definitionAfter([defined, amended([change])]).contests[1].electoralUnits[1];
      expect(unit.candidates.map((c) => c.candidateId)).toEqual(['c-02-1', 'c-02-2', 'c-02-3']);
    });

    it('ELECTION.DUPLICATE_ID / ELECTION.INVALID_DATE: the rules of a definition apply to the new candidate', () => {
      spec
        .given([defined])
        .when(
          amend([
            {
              ...change,
              candidate: { candidateId: 'c-01-1', name: 'Trùng mã', birthDate: '1979-02-30' },
            } as AmendmentChange,
          ]),
        )
        .thenViolates('ELECTION.DUPLICATE_ID', 'ELECTION.INVALID_DATE');
    });

    it('ELECTION.AMENDMENT_UNKNOWN_REFERENCE: an unknown unit', () => {
      spec
        .given([defined])
        .when(amend([{ ...change, unitId: 'c-09' } as AmendmentChange]))
        .thenViolates('ELECTION.AMENDMENT_UNKNOWN_REFERENCE');
    });

    it('ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS: not to a unit that has stored sheets', () => {
      const units = [
        { contestId: 'council', unitId: 'c-02', sheets: 1, candidateVotes: { 'c-02-1': 5, 'c-02-2': 7 } },
      ];
      spec
        .given([defined])
        .when(amend([change], { onRecord: { units } }))
        .thenThrows('ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS', 'conflict');
    });
  });

  describe('add a polling area', () => {
    const change: AmendmentChange = {
      type: 'addPollingArea',
      pollingArea: { pollingAreaId: 'north-03', districtId: 'north', registeredVoters: 650 },
      units: [{ contestId: 'council', unitId: 'c-01' }],
    };

    it('takes part in the units covering its district and in the units it names; the event says where it stands', () => {
      const placed: PollingAreaChange = {
        pollingAreaId: 'north-03',
        before: null,
        after: { districtId: 'north', registeredVoters: 650, units: { na: 'na-01', council: 'c-01' } },
      };
      spec
        .given([defined])
        .when(amend([change]))
        .then([amended([change], [placed])]);
      const after = definitionAfter([defined, amended([change], [placed])]);
      expect(after.pollingAreas.map((a) => a.pollingAreaId)).toContain('north-03');
      expect(after.contests[1].electoralUnits[0].pollingAreaIds).toEqual([
        'north-01',
        'north-02',
        'north-03',
      ]);
    });

    it('ELECTION.DUPLICATE_ID / ELECTION.UNKNOWN_DISTRICT / ELECTION.INVALID_REGISTERED_VOTERS', () => {
      spec
        .given([defined])
        .when(
          amend([
            {
              type: 'addPollingArea',
              pollingArea: { pollingAreaId: 'north-01', districtId: 'north', registeredVoters: 1 },
            },
            {
              type: 'addPollingArea',
              pollingArea: { pollingAreaId: 'east-01', districtId: 'east', registeredVoters: -1 },
            },
          ]),
        )
        .thenViolates(
          'ELECTION.DUPLICATE_ID',
          'ELECTION.UNKNOWN_DISTRICT',
          'ELECTION.INVALID_REGISTERED_VOTERS',
        );
    });

    it('ELECTION.UNIT_COVERAGE: a unit that covers whole districts takes only the areas of its districts', () => {
      const definition = smallElection();
      definition.contests[0].electoralUnits[0].districtIds = ['north'];
      definition.contests[0].electoralUnits.push({
        unitId: 'na-02',
        name: 'Unit 2',
        seats: 1,
        districtIds: ['south'],
        candidates: [{ candidateId: 'na-02-1', name: 'Lý Văn Nam', birthDate: '1977-07-07' }],
      });
      const error = spec
        .given([{ type: 'ElectionDefined', data: { definition, definedAt: NOW } }])
        .when(
          amend([
            {
              type: 'addPollingArea',
              pollingArea: { pollingAreaId: 'south-03', districtId: 'south', registeredVoters: 100 },
              units: [{ contestId: 'na', unitId: 'na-01' }],
            },
          ]),
        )
        .thenViolates('ELECTION.UNIT_COVERAGE');
      expect(error.violations[0].field).toBe('changes[0].units[0]');
    });
  });

  describe('remove a polling area', () => {
    const change: AmendmentChange = { type: 'removePollingArea', pollingAreaId: 'north-02' };

    it('is accepted while it has no sheet and no turnout report: gone from the areas and from its units', () => {
      const removed: PollingAreaChange = {
        pollingAreaId: 'north-02',
        before: { districtId: 'north', registeredVoters: 800, units: { na: 'na-01', council: 'c-01' } },
        after: null,
      };
      spec
        .given([defined])
        .when(amend([change]))
        .then([amended([change], [removed])]);
      const after = definitionAfter([defined, amended([change], [removed])]);
      expect(after.pollingAreas).toHaveLength(3);
      expect(after.contests[1].electoralUnits[0].pollingAreaIds).toEqual(['north-01']);
    });

    it('ELECTION.UNIT_COVERAGE: not the last polling area of a unit', () => {
      spec
        .given([defined])
        .when(amend([{ type: 'removePollingArea', pollingAreaId: 'south-01' }]))
        .thenViolates('ELECTION.UNIT_COVERAGE');
    });

    it('ELECTION.AMENDMENT_UNKNOWN_REFERENCE: an unknown polling area', () => {
      spec
        .given([defined])
        .when(amend([{ type: 'removePollingArea', pollingAreaId: 'north-99' }]))
        .thenViolates('ELECTION.AMENDMENT_UNKNOWN_REFERENCE');
    });

    it('ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS: not an area that reported', () => {
      const sheet = { ...naSheetOnRecord, pollingAreaId: 'north-02' };
      spec
        .given([defined])
        .when(amend([change], { onRecord: { sheets: [sheet] } }))
        .thenThrows('ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS', 'conflict');
    });

    it('ELECTION.AMENDMENT_CONFLICTS_WITH_TURNOUT: not an area that reported turnout', () => {
      spec
        .given([defined])
        .when(amend([change], { onRecord: { turnoutReported: ['north-02'] } }))
        .thenThrows('ELECTION.AMENDMENT_CONFLICTS_WITH_TURNOUT', 'conflict');
    });
  });

  describe('a certified unit', () => {
    const na01 = { contestId: 'na', unitId: 'na-01' };
    const c02 = { contestId: 'council', unitId: 'c-02' };
    const addNorth: AmendmentChange = {
      type: 'addPollingArea',
      pollingArea: { pollingAreaId: 'north-03', districtId: 'north', registeredVoters: 100 },
    };

    it('ELECTION.AMENDMENT_CONFLICTS_WITH_CERTIFICATION: no polling area joins it (its record lists them)', () => {
      const error = spec
        .given([defined])
        .when(amend([addNorth], { onRecord: { certifiedUnits: [na01] } }))
        .thenThrows('ELECTION.AMENDMENT_CONFLICTS_WITH_CERTIFICATION', 'conflict');
      expect(error.details.conflicts).toEqual([
        expect.objectContaining({ record: 'certification', contestId: 'na', unitId: 'na-01' }),
      ]);
      // Not certified: the same change is accepted.
      expect(decideElection(amend([addNorth]), foldElection([defined]))).toHaveLength(1);
    });

    it('nor moves into or out of it, nor changes voters, seats or candidates in it', () => {
      const changes: AmendmentChange[] = [
        {
          type: 'movePollingArea',
          pollingAreaId: 'south-02',
          units: [{ contestId: 'council', unitId: 'c-02' }],
        },
        { type: 'changeRegisteredVoters', pollingAreaId: 'south-01', registeredVoters: 1210 },
        { type: 'changeSeats', contestId: 'council', unitId: 'c-02', seats: 2 },
      ];
      for (const change of changes) {
        spec
          .given([defined])
          .when(amend([change], { onRecord: { certifiedUnits: [c02] } }))
          .thenThrows('ELECTION.AMENDMENT_CONFLICTS_WITH_CERTIFICATION', 'conflict');
      }
    });

    it('leaves alone what it does not touch: another unit, or a contest whose unit an area keeps; renames', () => {
      const intoC02: AmendmentChange = {
        type: 'movePollingArea',
        pollingAreaId: 'south-02',
        units: [{ contestId: 'council', unitId: 'c-02' }],
      };
      // south-02 stays in na-01 (certified); only its council unit changes.
      expect(
        decideElection(amend([intoC02], { onRecord: { certifiedUnits: [na01] } }), foldElection([defined])),
      ).toHaveLength(1);
      const rename: AmendmentChange = {
        type: 'rename',
        target: 'unit',
        contestId: 'na',
        id: 'na-01',
        name: 'Đơn vị 1',
      };
      expect(
        decideElection(amend([rename], { onRecord: { certifiedUnits: [na01] } }), foldElection([defined])),
      ).toHaveLength(1);
    });
  });

  describe('move a polling area', () => {
    it('to another unit: south-02 joins council unit c-02', () => {
      const change: AmendmentChange = {
        type: 'movePollingArea',
        pollingAreaId: 'south-02',
        units: [{ contestId: 'council', unitId: 'c-02' }],
      };
      const moved: PollingAreaChange = {
        pollingAreaId: 'south-02',
        before: { districtId: 'south', registeredVoters: 500, units: { na: 'na-01' } },
        after: { districtId: 'south', registeredVoters: 500, units: { na: 'na-01', council: 'c-02' } },
      };
      spec
        .given([defined])
        .when(amend([change]))
        .then([amended([change], [moved])]);
    });

    it('to another district and unit: north-02 moves to south and to c-02, leaving c-01', () => {
      const change: AmendmentChange = {
        type: 'movePollingArea',
        pollingAreaId: 'north-02',
        districtId: 'south',
        units: [{ contestId: 'council', unitId: 'c-02' }],
      };
      const [event] = decideElection(amend([change]), foldElection([defined])) as [ElectionAmended];
      expect(event.data.pollingAreaChanges).toEqual([
        {
          pollingAreaId: 'north-02',
          before: { districtId: 'north', registeredVoters: 800, units: { na: 'na-01', council: 'c-01' } },
          after: { districtId: 'south', registeredVoters: 800, units: { na: 'na-01', council: 'c-02' } },
        },
      ]);
      const after = definitionAfter([defined, event]);
      expect(after.contests[1].electoralUnits.map((u) => u.pollingAreaIds)).toEqual([
        ['north-01'],
        ['south-01', 'north-02'],
      ]);
    });

    it('ELECTION.UNKNOWN_DISTRICT / ELECTION.AMENDMENT_UNKNOWN_REFERENCE', () => {
      spec
        .given([defined])
        .when(
          amend([
            { type: 'movePollingArea', pollingAreaId: 'north-02', districtId: 'east' },
            {
              type: 'movePollingArea',
              pollingAreaId: 'north-02',
              units: [{ contestId: 'council', unitId: 'c-7' }],
            },
          ]),
        )
        .thenViolates('ELECTION.AMENDMENT_UNKNOWN_REFERENCE');
      spec
        .given([defined])
        .when(amend([{ type: 'movePollingArea', pollingAreaId: 'north-02', districtId: 'east' }]))
        .thenViolates('ELECTION.UNKNOWN_DISTRICT');
    });

    it('ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS: not an area whose sheet was counted where it stands', () => {
      const toSouth: AmendmentChange = {
        type: 'movePollingArea',
        pollingAreaId: 'north-01',
        districtId: 'south',
      };
      spec
        .given([defined])
        .when(amend([toSouth], { onRecord: { sheets: [naSheetOnRecord] } }))
        .thenThrows('ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS', 'conflict');
      // Its council sheet was counted in c-01: another council unit contradicts it, even in the same district.
      const councilSheet = {
        pollingAreaId: 'north-01',
        contestId: 'council',
        districtId: 'north',
        unitId: 'c-01',
      };
      const toC02: AmendmentChange = {
        type: 'movePollingArea',
        pollingAreaId: 'north-01',
        units: [{ contestId: 'council', unitId: 'c-02' }],
      };
      spec
        .given([defined])
        .when(amend([toC02], { onRecord: { sheets: [councilSheet] } }))
        .thenThrows('ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS', 'conflict');
    });

    it('ELECTION.AMENDMENT_CONFLICTS_WITH_TURNOUT: not to another district after reporting turnout', () => {
      spec
        .given([defined])
        .when(
          amend([{ type: 'movePollingArea', pollingAreaId: 'north-02', districtId: 'south' }], {
            onRecord: { turnoutReported: ['north-02'] },
          }),
        )
        .thenThrows('ELECTION.AMENDMENT_CONFLICTS_WITH_TURNOUT', 'conflict');
    });
  });

  describe("change a polling area's voters on the list", () => {
    const change: AmendmentChange = {
      type: 'changeRegisteredVoters',
      pollingAreaId: 'south-02',
      registeredVoters: 540,
    };

    it('is accepted before the area reports', () => {
      spec
        .given([defined])
        .when(amend([change]))
        .then([
          amended(
            [change],
            [
              {
                pollingAreaId: 'south-02',
                before: { districtId: 'south', registeredVoters: 500, units: { na: 'na-01' } },
                after: { districtId: 'south', registeredVoters: 540, units: { na: 'na-01' } },
              },
            ],
          ),
        ]);
    });

    it('ELECTION.INVALID_REGISTERED_VOTERS', () => {
      spec
        .given([defined])
        .when(amend([{ ...change, registeredVoters: 1.5 }]))
        .thenViolates('ELECTION.INVALID_REGISTERED_VOTERS');
    });

    it('ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS / _TURNOUT: the list is closed once the area reported', () => {
      const sheet = { ...naSheetOnRecord, pollingAreaId: 'south-02', districtId: 'south' };
      spec
        .given([defined])
        .when(amend([change], { onRecord: { sheets: [sheet] } }))
        .thenThrows('ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS', 'conflict');
      spec
        .given([defined])
        .when(amend([change], { onRecord: { turnoutReported: ['south-02'] } }))
        .thenThrows('ELECTION.AMENDMENT_CONFLICTS_WITH_TURNOUT', 'conflict');
    });
  });

  describe("change a unit's seats", () => {
    const change: AmendmentChange = { type: 'changeSeats', contestId: 'na', unitId: 'na-01', seats: 3 };

    it('is accepted while the unit has no sheet', () => {
      spec
        .given([defined])
        .when(amend([change]))
        .then([amended([change])]);
      expect(definitionAfter([defined, amended([change])]).contests[0].electoralUnits[0].seats).toBe(3);
    });

    it('ELECTION.SEATS_OUT_OF_RANGE: at most the number of candidates', () => {
      spec
        .given([defined])
        .when(amend([{ ...change, seats: 4 }]))
        .thenViolates('ELECTION.SEATS_OUT_OF_RANGE');
    });

    it('ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS: not for a unit whose sheets were counted for other seats', () => {
      spec
        .given([defined])
        .when(amend([change], { onRecord: { units: [naUnitOnRecord] } }))
        .thenThrows('ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS', 'conflict');
    });
  });

  describe('rename', () => {
    it.each([
      [{ target: 'election', name: 'Bầu cử (sửa)' }, (d: ElectionDefinition) => d.name],
      [{ target: 'district', id: 'north', name: 'Phía Bắc' }, (d: ElectionDefinition) => d.districts[0].name],
      [
        { target: 'pollingArea', id: 'north-01', name: 'KVBP 1' },
        (d: ElectionDefinition) => d.pollingAreas[0].name,
      ],
      [{ target: 'contest', id: 'na', name: 'Quốc hội' }, (d: ElectionDefinition) => d.contests[0].name],
      [
        { target: 'unit', contestId: 'council', id: 'c-02', name: 'Đơn vị 2' },
        (d: ElectionDefinition) => d.contests[1].electoralUnits[1].name,
      ],
      [
        { target: 'candidate', contestId: 'na', id: 'na-01-2', name: 'Trần T. Bình' },
        (d: ElectionDefinition) => d.contests[0].electoralUnits[0].candidates[1].name,
      ],
    ] as const)('%j, even after sheets were stored', (rename, read) => {
      const change = { type: 'rename', ...rename } as AmendmentChange;
      const record = { sheets: [naSheetOnRecord], units: [naUnitOnRecord], turnoutReported: ['north-01'] };
      spec
        .given([defined])
        .when(amend([change], { onRecord: record }))
        .then([amended([change])]);
      expect(read(definitionAfter([defined, amended([change])]))).toBe(rename.name);
    });

    it('ELECTION.AMENDMENT_UNKNOWN_REFERENCE: an unknown id', () => {
      spec
        .given([defined])
        .when(amend([{ type: 'rename', target: 'unit', contestId: 'na', id: 'c-01', name: 'x' }]))
        .thenViolates('ELECTION.AMENDMENT_UNKNOWN_REFERENCE');
    });
  });

  describe('the amendment as a whole', () => {
    const rename: AmendmentChange = { type: 'rename', target: 'election', name: 'Bầu cử (sửa)' };

    it('ELECTION.NOT_FOUND: only a defined election (404)', () => {
      spec
        .given([])
        .when(amend([rename]))
        .thenThrows('ELECTION.NOT_FOUND', 'not_found');
    });

    it('ELECTION.REVISION_MISMATCH: If-Match must be the revision in force (412)', () => {
      const other = { ...rename, name: 'Một tên khác' } as AmendmentChange;
      const error = spec
        .given([defined, amended([rename])])
        .when(amend([other], { expectedRevision: 0 }))
        .thenThrows('ELECTION.REVISION_MISMATCH', 'stale');
      expect(error.details).toEqual({ expectedRevision: 0, currentRevision: 1 });
      spec
        .given([defined, amended([rename])])
        .when(amend([{ ...rename, name: 'Lần hai' } as AmendmentChange], { expectedRevision: 1 }))
        .then([amended([{ ...rename, name: 'Lần hai' } as AmendmentChange])]);
    });

    describe('a retry of the last amendment (a client that did not hear its 201)', () => {
      const seats: AmendmentChange = { type: 'changeSeats', contestId: 'na', unitId: 'na-01', seats: 1 };

      it('is recognised with its If-Match, reason and changes: nothing to append (the handler answers it)', () => {
        spec
          .given([defined, amended([rename, seats])])
          .when(amend([rename, seats], { expectedRevision: 0 }))
          .then([]);
      });

      it('is recognised whatever the order of the keys and the spaces around the reason', () => {
        const reordered = {
          seats: 1,
          unitId: 'na-01',
          contestId: 'na',
          type: 'changeSeats',
        } as AmendmentChange;
        spec
          .given([defined, amended([rename, seats])])
          .when(amend([rename, reordered], { expectedRevision: 0, reason: `  ${REASON} ` }))
          .then([]);
      });

      it('is not one with another reason, other changes, another order of changes or another If-Match (412)', () => {
        const given = spec.given([defined, amended([rename, seats])]);
        given
          .when(amend([rename, seats], { reason: 'Một lý do khác hẳn' }))
          .thenThrows('ELECTION.REVISION_MISMATCH', 'stale');
        given.when(amend([rename])).thenThrows('ELECTION.REVISION_MISMATCH', 'stale');
        given.when(amend([seats, rename])).thenThrows('ELECTION.REVISION_MISMATCH', 'stale');
        spec
          .given([defined, amended([rename]), amended([seats])])
          .when(amend([rename, seats], { expectedRevision: 1 }))
          .thenThrows('ELECTION.REVISION_MISMATCH', 'stale');
      });

      it('is only the last amendment: once another followed it, the retry is stale (412)', () => {
        const after = [defined, amended([rename]), amended([seats])];
        spec
          .given(after)
          .when(amend([rename], { expectedRevision: 0 }))
          .thenThrows('ELECTION.REVISION_MISMATCH', 'stale');
        spec
          .given(after)
          .when(amend([seats], { expectedRevision: 1 }))
          .then([]);
      });
    });

    it('ELECTION.AMENDMENT_REASON_TOO_SHORT, with the other broken rules', () => {
      spec
        .given([defined])
        .when(
          amend([{ type: 'changeSeats', contestId: 'na', unitId: 'na-01', seats: 9 }], { reason: ' sửa ' }),
        )
        .thenViolates('ELECTION.AMENDMENT_REASON_TOO_SHORT', 'ELECTION.SEATS_OUT_OF_RANGE');
    });

    it('ELECTION.AMENDMENT_CHANGES_NOTHING: no changes, or changes that cancel out', () => {
      spec.given([defined]).when(amend([])).thenViolates('ELECTION.AMENDMENT_CHANGES_NOTHING');
      spec
        .given([defined])
        .when(amend([{ type: 'changeSeats', contestId: 'na', unitId: 'na-01', seats: 2 }]))
        .thenViolates('ELECTION.AMENDMENT_CHANGES_NOTHING');
    });

    it('applies the changes in order, each seeing the ones before', () => {
      const changes: AmendmentChange[] = [
        {
          type: 'addPollingArea',
          pollingArea: { pollingAreaId: 'south-03', districtId: 'south', registeredVoters: 10 },
        },
        { type: 'changeRegisteredVoters', pollingAreaId: 'south-03', registeredVoters: 320 },
      ];
      const [event] = decideElection(amend(changes), foldElection([defined])) as [ElectionAmended];
      expect(event.data.pollingAreaChanges).toEqual([
        {
          pollingAreaId: 'south-03',
          before: null,
          after: { districtId: 'south', registeredVoters: 320, units: { na: 'na-01' } },
        },
      ]);
    });

    it('folds: the revision counts the amendments, the definition in force has them all', () => {
      const withdraw: AmendmentChange = {
        type: 'withdrawCandidate',
        contestId: 'na',
        candidateId: 'na-01-3',
      };
      const state = foldElection([defined, amended([withdraw]), amended([rename])]);
      expect(state).toMatchObject({ status: 'defined', revision: 2, amendments: 2 });
      if (state.status !== 'defined') throw new Error('not defined');
      expect(state.definition.name).toBe('Bầu cử (sửa)');
      expect(state.definition.contests[0].electoralUnits[0].candidates).toHaveLength(2);
      // The definition of an earlier revision is never touched.
      expect(defined.data.definition.contests[0].electoralUnits[0].candidates).toHaveLength(3);
    });

    it('folds a stored amendment that does not apply as no change (as every read model does)', () => {
      const broken: ElectionAmended = amended([{ type: 'removePollingArea', pollingAreaId: 'nowhere' }]);
      expect(definitionAfter([defined, broken])).toEqual(smallElection());
      expect(foldElection([defined, broken])).toMatchObject({ revision: 1 });
    });

    it('reads on record only what the changes touch (the footprint)', () => {
      const state = foldElection([defined]);
      expect(
        amendmentFootprint(state, [
          { type: 'withdrawCandidate', contestId: 'na', candidateId: 'na-01-3' },
          {
            type: 'movePollingArea',
            pollingAreaId: 'south-02',
            units: [{ contestId: 'council', unitId: 'c-02' }],
          },
          rename,
        ]),
      ).toEqual({
        pollingAreaIds: ['south-02'],
        // na-01 for its candidates; c-02 because south-02 joins it (its certification would be contradicted).
        units: [
          { contestId: 'na', unitId: 'na-01' },
          { contestId: 'council', unitId: 'c-02' },
        ],
      });
      expect(amendmentFootprint(state, [{ type: 'removePollingArea', pollingAreaId: 'nowhere' }])).toEqual({
        pollingAreaIds: [],
        units: [],
      });
    });

    it('never changes the definition it is given', () => {
      const definition = smallElection();
      amendDefinition(definition, [
        { type: 'removePollingArea', pollingAreaId: 'north-02' },
        { type: 'rename', target: 'election', name: 'x' },
      ]);
      expect(definition).toEqual(smallElection());
    });
  });
});
