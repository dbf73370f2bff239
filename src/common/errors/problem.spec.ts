import { QueryFailedError } from 'typeorm';
import { toProblem } from './problem';

/** A driver error as pg hands PostgreSQL's: message, detail, table and constraint (errtableconstraint). */
function pgError(fields: { code: string; message: string; detail?: string; table?: string; constraint?: string }): QueryFailedError {
  return new QueryFailedError('INSERT …', [], Object.assign(new Error(fields.message), fields));
}

describe('toProblem', () => {
  describe('foreign key violations (23503, and 23001 for RESTRICT)', () => {
    it('a row pointing at nothing is 400 VALIDATION_FAILED naming the column', () => {
      const error = pgError({
        code: '23503',
        message: 'insert or update on table "tier_member" violates foreign key constraint "fk_tier_member_tierId"',
        detail: 'Key (tierId)=(0190a0d6-0000-7000-8000-000000000000) is not present in table "tier".',
        table: 'tier_member',
        constraint: 'fk_tier_member_tierId',
      });
      const { problem, unexpected } = toProblem(error);
      expect(unexpected).toBe(false);
      expect(problem).toMatchObject({
        status: 400,
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'tierId', message: 'tierId is not an existing tier' }],
      });
    });

    it('a delete of a row still referred to is 409 CONFLICT naming the referring column', () => {
      const error = pgError({
        code: '23503',
        message: 'update or delete on table "tier" violates foreign key constraint "fk_routing_rule_tierId" on table "routing_rule"',
        detail: 'Key (id)=(0190a0d6-0000-7000-8000-000000000000) is still referenced from table "routing_rule".',
        table: 'routing_rule',
        constraint: 'fk_routing_rule_tierId',
      });
      const { problem, unexpected } = toProblem(error);
      expect(unexpected).toBe(false);
      expect(problem).toMatchObject({ status: 409, code: 'CONFLICT', detail: 'Still in use: routing_rule.tierId refers to it' });
    });

    it('PostgreSQL 18 refusing a delete under ON DELETE RESTRICT (23001) is the same 409', () => {
      const error = pgError({
        code: '23001',
        message:
          'update or delete on table "user_account" violates RESTRICT setting of foreign key constraint "fk_ticket_requesterId" on table "ticket"',
        detail: 'Key (id)=(0190a0d6-0000-7000-8000-000000000000) is referenced from table "ticket".',
        table: 'ticket',
        constraint: 'fk_ticket_requesterId',
      });
      expect(toProblem(error)).toMatchObject({
        unexpected: false,
        problem: { status: 409, code: 'CONFLICT', detail: 'Still in use: ticket.requesterId refers to it' },
      });
    });

    it('names the parent table in words and copes with a constraint outside the naming scheme', () => {
      const named = toProblem(
        pgError({
          code: '23503',
          message: 'insert or update on table "ticket" violates foreign key constraint "fk_ticket_assigneeId"',
          detail: 'Key (assigneeId)=(x) is not present in table "user_account".',
          table: 'ticket',
          constraint: 'fk_ticket_assigneeId',
        }),
      );
      expect(named.problem.errors).toEqual([{ field: 'assigneeId', message: 'assigneeId is not an existing user account' }]);
      const unnamed = toProblem(
        pgError({
          code: '23503',
          message: 'violates foreign key constraint "FK_2703e7d301d0f8f160ac3efdd73"',
          table: 'user_account',
          constraint: 'FK_2703e7d301d0f8f160ac3efdd73',
        }),
      );
      expect(unnamed).toMatchObject({ unexpected: false, problem: { status: 400, code: 'VALIDATION_FAILED', errors: [] } });
    });
  });
});
