import { DomainError } from '../shared/domain-error';
import { Actor } from '../shared/event-metadata';

/** The roles a token may carry (claim `role`). */
export const ROLES = ['submitter', 'admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Everything a caller may ask to do, beyond the public reads that need no token. */
export const ACTIONS = [
  'define-election',
  'amend-election',
  'read-election',
  'submit-tally',
  'submit-turnout',
  'correct-tally',
  'read-sheets',
  'read-audit',
  'read-export',
  'certify-unit',
  'revoke-certification',
  'annul-unit',
  'resolve-discrepancy',
  'review-sheet',
  'read-review',
  'define-round',
  'attach-scan',
  'read-scans',
] as const;
export type Action = (typeof ACTIONS)[number];

export const AccessErrorCode = {
  FORBIDDEN: 'AUTH.FORBIDDEN',
  OUT_OF_SCOPE: 'AUTH.OUT_OF_SCOPE',
} as const;

/**
 * Who may do what, and whether the action is limited to the actor's districts.
 * - `city`: only an actor without a `districts` claim (a city-wide admin);
 * - `districts`: within the actor's districts, or anywhere for an actor without the claim;
 * - `any`: no scope applies.
 * A submitter always needs districts: a submitter token without them is in scope nowhere.
 */
type Scope = 'city' | 'districts' | 'any';

const RULES: Record<Action, Partial<Record<Role, Scope>>> = {
  'define-election': { admin: 'city' },
  // Withdrawing a candidate or moving polling areas between districts is the city (or national) council's decision.
  'amend-election': { admin: 'city' },
  // A submitter reads the definition to know its unit's candidates; candidate lists are published anyway.
  'read-election': { admin: 'any', auditor: 'any', submitter: 'any' },
  'submit-tally': { admin: 'districts', submitter: 'districts' },
  'submit-turnout': { admin: 'districts', submitter: 'districts' },
  'correct-tally': { admin: 'districts' },
  'read-sheets': { admin: 'any', auditor: 'any', submitter: 'districts' },
  'read-audit': { admin: 'any', auditor: 'any' },
  'read-export': { admin: 'any', auditor: 'any' },
  // A unit may span districts (an NA unit covers several): a district admin needs every one of them (mayPerformOver).
  'certify-unit': { admin: 'districts' },
  'revoke-certification': { admin: 'city' },
  'annul-unit': { admin: 'city' },
  'resolve-discrepancy': { admin: 'districts' },
  'review-sheet': { admin: 'districts' },
  'read-review': { admin: 'any', auditor: 'any' },
  'define-round': { admin: 'city' },
  // The submitter who sent the sheet photographs its paper record; a district admin may too.
  'attach-scan': { admin: 'districts', submitter: 'districts' },
  // Unless the definition says publishScans: then anyone (the api checks that before asking the policy).
  'read-scans': { admin: 'any', auditor: 'any' },
};

export type AccessDecision =
  | { allowed: true }
  | { allowed: false; code: (typeof AccessErrorCode)[keyof typeof AccessErrorCode]; reason: string };

const ALLOWED: AccessDecision = { allowed: true };

function scopeOf(actor: Actor, action: Action): Scope | undefined {
  return isRole(actor.role) ? RULES[action][actor.role] : undefined;
}

/** A city-wide actor carries no `districts` claim. An empty list covers nothing. */
export function isCityWide(actor: Actor): boolean {
  return actor.districts === undefined;
}

/**
 * May the actor perform the action at all (somewhere)? The role check, before any district is known:
 * the guard asks this for every protected route.
 */
export function mayPerform(actor: Actor, action: Action): AccessDecision {
  const scope = scopeOf(actor, action);
  if (scope === undefined) {
    return {
      allowed: false,
      code: AccessErrorCode.FORBIDDEN,
      reason: `The role ${actor.role ?? '(none)'} may not ${action}`,
    };
  }
  if (scope === 'city' && !isCityWide(actor)) {
    return {
      allowed: false,
      code: AccessErrorCode.FORBIDDEN,
      reason: `Only a city-wide ${actor.role} (no districts claim) may ${action}`,
    };
  }
  if (scope === 'districts' && actor.role === 'submitter' && (actor.districts ?? []).length === 0) {
    return {
      allowed: false,
      code: AccessErrorCode.FORBIDDEN,
      reason: `A submitter needs a districts claim to ${action}`,
    };
  }
  return ALLOWED;
}

/**
 * May the actor perform the action on something in `districtId`? `undefined` means the district could not be
 * resolved (e.g. an unknown polling area): a district-scoped actor is refused as out of scope, so it learns nothing
 * about polling areas outside its districts; a city-wide actor goes on to the usual 404.
 */
export function mayPerformIn(actor: Actor, action: Action, districtId: string | undefined): AccessDecision {
  const role = mayPerform(actor, action);
  if (!role.allowed) return role;
  if (scopeOf(actor, action) !== 'districts' || isCityWide(actor)) return ALLOWED;
  if (districtId !== undefined && (actor.districts ?? []).includes(districtId)) return ALLOWED;
  return {
    allowed: false,
    code: AccessErrorCode.OUT_OF_SCOPE,
    reason: `This polling area is not in the districts of ${actor.id} (${(actor.districts ?? []).join(', ')})`,
  };
}

/**
 * May the actor perform the action on something that spans `districtIds` (an electoral unit)? A district-scoped
 * actor needs every one of them; an empty list (nothing resolved) is out of scope for it, like an unknown area.
 */
export function mayPerformOver(actor: Actor, action: Action, districtIds: readonly string[]): AccessDecision {
  const role = mayPerform(actor, action);
  if (!role.allowed) return role;
  if (scopeOf(actor, action) !== 'districts' || isCityWide(actor)) return ALLOWED;
  const own = actor.districts ?? [];
  const outside = districtIds.filter((d) => !own.includes(d));
  if (districtIds.length > 0 && outside.length === 0) return ALLOWED;
  return {
    allowed: false,
    code: AccessErrorCode.OUT_OF_SCOPE,
    reason: `This covers districts outside those of ${actor.id} (${outside.join(', ') || 'none resolved'})`,
  };
}

export function assertMayPerformOver(actor: Actor, action: Action, districtIds: readonly string[]): void {
  const decision = mayPerformOver(actor, action, districtIds);
  if (!decision.allowed) throw new DomainError('forbidden', decision.code, decision.reason);
}

/** Throws DomainError 'forbidden' (403) unless the actor may perform the action in the district. */
export function assertMayPerformIn(actor: Actor, action: Action, districtId: string | undefined): void {
  const decision = mayPerformIn(actor, action, districtId);
  if (!decision.allowed) throw new DomainError('forbidden', decision.code, decision.reason);
}
