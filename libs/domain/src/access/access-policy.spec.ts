import { DomainError } from '../shared/domain-error';
import { Actor } from '../shared/event-metadata';
import {
  Action,
  assertMayPerformIn,
  assertMayPerformOver,
  mayPerform,
  mayPerformIn,
  mayPerformOver,
} from './access-policy';

const cityAdmin: Actor = { id: 'admin-1', role: 'admin' };
const baDinhAdmin: Actor = { id: 'admin-2', role: 'admin', districts: ['ba-dinh'] };
const auditor: Actor = { id: 'aud-1', role: 'auditor' };
const baDinhSubmitter: Actor = { id: 'officer-17', role: 'submitter', districts: ['ba-dinh', 'tay-ho'] };
const submitterWithoutDistricts: Actor = { id: 'officer-0', role: 'submitter' };
const unknownRole: Actor = { id: 'x', role: 'superuser' };
const anonymous: Actor = { id: 'anonymous' };

const outcome = (decision: ReturnType<typeof mayPerform>) => (decision.allowed ? 'allow' : decision.code);

describe('access policy: what a role may do at all (the guard)', () => {
  // prettier-ignore
  const table: [Action, string, string, string, string, string][] = [
    // action              city admin  district admin    auditor           submitter         submitter w/o districts
    ['define-election',    'allow',    'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN'],
    ['amend-election',     'allow',    'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN'],
    ['read-election',      'allow',    'allow',          'allow',          'allow',          'allow'],
    ['submit-tally',       'allow',    'allow',          'AUTH.FORBIDDEN', 'allow',          'AUTH.FORBIDDEN'],
    ['submit-turnout',     'allow',    'allow',          'AUTH.FORBIDDEN', 'allow',          'AUTH.FORBIDDEN'],
    ['correct-tally',      'allow',    'allow',          'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN'],
    ['read-sheets',        'allow',    'allow',          'allow',          'allow',          'AUTH.FORBIDDEN'],
    ['read-audit',         'allow',    'allow',          'allow',          'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN'],
    ['read-export',        'allow',    'allow',          'allow',          'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN'],
    ['certify-unit',       'allow',    'allow',          'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN'],
    ['revoke-certification','allow',   'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN'],
    ['annul-unit',         'allow',    'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN'],
    ['resolve-discrepancy','allow',    'allow',          'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN'],
    ['review-sheet',       'allow',    'allow',          'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN'],
    ['read-review',        'allow',    'allow',          'allow',          'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN'],
    ['define-round',       'allow',    'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN'],
    ['attach-scan',        'allow',    'allow',          'AUTH.FORBIDDEN', 'allow',          'AUTH.FORBIDDEN'],
    ['read-scans',         'allow',    'allow',          'allow',          'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN'],
  ];
  it.each(table)(
    '%s: city admin %s, district admin %s, auditor %s, submitter %s / %s',
    (action, ...expected) => {
      const actors = [cityAdmin, baDinhAdmin, auditor, baDinhSubmitter, submitterWithoutDistricts];
      expect(actors.map((actor) => outcome(mayPerform(actor, action)))).toEqual(expected);
    },
  );

  it('refuses an actor without a known role everything', () => {
    for (const actor of [unknownRole, anonymous]) {
      expect(outcome(mayPerform(actor, 'read-election'))).toBe('AUTH.FORBIDDEN');
      expect(outcome(mayPerform(actor, 'submit-tally'))).toBe('AUTH.FORBIDDEN');
    }
  });
});

describe('access policy: over several districts (certifying a unit)', () => {
  const twoDistrictAdmin: Actor = { id: 'admin-3', role: 'admin', districts: ['ba-dinh', 'tay-ho'] };
  // prettier-ignore
  const table: [string, Actor, readonly string[], string][] = [
    ['a city admin certifies any unit',                         cityAdmin,         ['ba-dinh', 'tay-ho'], 'allow'],
    ['a district admin certifies a unit inside its district',   baDinhAdmin,       ['ba-dinh'],           'allow'],
    ['a district admin certifies a unit spanning another one',  baDinhAdmin,       ['ba-dinh', 'tay-ho'], 'AUTH.OUT_OF_SCOPE'],
    ['an admin of both districts certifies the spanning unit',  twoDistrictAdmin,  ['ba-dinh', 'tay-ho'], 'allow'],
    ['a district admin meets a unit of no resolved district',   baDinhAdmin,       [],                    'AUTH.OUT_OF_SCOPE'],
    ['a submitter certifies nothing',                           baDinhSubmitter,   ['ba-dinh'],           'AUTH.FORBIDDEN'],
    ['an auditor certifies nothing',                            auditor,           ['ba-dinh'],           'AUTH.FORBIDDEN'],
  ];
  it.each(table)('%s', (_, actor, districts, expected) => {
    expect(outcome(mayPerformOver(actor, 'certify-unit', districts))).toBe(expected);
  });

  it('assertMayPerformOver throws a forbidden DomainError (403)', () => {
    expect(() => assertMayPerformOver(baDinhAdmin, 'certify-unit', ['ba-dinh', 'tay-ho'])).toThrow(
      expect.objectContaining({ kind: 'forbidden', code: 'AUTH.OUT_OF_SCOPE' }) as unknown as DomainError,
    );
  });
});

describe('access policy: district scope', () => {
  // prettier-ignore
  const table: [string, Actor, Action, string | undefined, string][] = [
    ['a submitter submits in its district',                 baDinhSubmitter, 'submit-tally',  'ba-dinh',  'allow'],
    ['a submitter submits in its second district',          baDinhSubmitter, 'submit-tally',  'tay-ho',   'allow'],
    ['a submitter submits elsewhere',                       baDinhSubmitter, 'submit-tally',  'hoan-kiem','AUTH.OUT_OF_SCOPE'],
    ['a submitter names an unknown polling area',           baDinhSubmitter, 'submit-tally',  undefined,  'AUTH.OUT_OF_SCOPE'],
    ['a submitter reads a sheet of its district',           baDinhSubmitter, 'read-sheets',   'ba-dinh',  'allow'],
    ['a submitter reads a sheet elsewhere',                 baDinhSubmitter, 'read-sheets',   'hoan-kiem','AUTH.OUT_OF_SCOPE'],
    ['a submitter corrects in its own district',            baDinhSubmitter, 'correct-tally', 'ba-dinh',  'AUTH.FORBIDDEN'],
    ['a district admin corrects in its district',           baDinhAdmin,     'correct-tally', 'ba-dinh',  'allow'],
    ['a district admin corrects elsewhere',                 baDinhAdmin,     'correct-tally', 'hoan-kiem','AUTH.OUT_OF_SCOPE'],
    ['a district admin submits elsewhere',                  baDinhAdmin,     'submit-tally',  'hoan-kiem','AUTH.OUT_OF_SCOPE'],
    ['a district admin reads sheets anywhere',              baDinhAdmin,     'read-sheets',   'hoan-kiem','allow'],
    ['a submitter attaches a scan in its district',         baDinhSubmitter, 'attach-scan',   'ba-dinh',  'allow'],
    ['a submitter attaches a scan elsewhere',               baDinhSubmitter, 'attach-scan',   'hoan-kiem','AUTH.OUT_OF_SCOPE'],
    ['a district admin attaches a scan elsewhere',          baDinhAdmin,     'attach-scan',   'hoan-kiem','AUTH.OUT_OF_SCOPE'],
    ['a city admin corrects anywhere',                      cityAdmin,       'correct-tally', 'hoan-kiem','allow'],
    ['a city admin meets an unknown polling area (→ 404)',  cityAdmin,       'submit-tally',  undefined,  'allow'],
    ['an auditor reads sheets anywhere',                    auditor,         'read-sheets',   'hoan-kiem','allow'],
    ['an auditor submits in no district',                   auditor,         'submit-tally',  'ba-dinh',  'AUTH.FORBIDDEN'],
    ['an admin with an empty districts claim submits',      { id: 'a', role: 'admin', districts: [] }, 'submit-tally', 'ba-dinh', 'AUTH.OUT_OF_SCOPE'],
  ];
  it.each(table)('%s', (_, actor, action, districtId, expected) => {
    expect(outcome(mayPerformIn(actor, action, districtId))).toBe(expected);
  });

  it('a district admin resolves and reviews sheets of its own districts only', () => {
    for (const action of ['resolve-discrepancy', 'review-sheet'] as const) {
      expect(outcome(mayPerformIn(baDinhAdmin, action, 'ba-dinh'))).toBe('allow');
      expect(outcome(mayPerformIn(baDinhAdmin, action, 'tay-ho'))).toBe('AUTH.OUT_OF_SCOPE');
      expect(outcome(mayPerformIn(cityAdmin, action, 'tay-ho'))).toBe('allow');
    }
  });

  it('assertMayPerformIn throws a forbidden DomainError (403) with the stable code', () => {
    expect(() => assertMayPerformIn(baDinhSubmitter, 'submit-tally', 'hoan-kiem')).toThrow(
      expect.objectContaining({ kind: 'forbidden', code: 'AUTH.OUT_OF_SCOPE' }) as unknown as DomainError,
    );
    expect(() => assertMayPerformIn(baDinhSubmitter, 'submit-tally', 'ba-dinh')).not.toThrow();
  });
});
