import {
  EventSubscriber,
  type EntityManager,
  type EntitySubscriberInterface,
  type QueryRunner,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';

const HOOKS = 'tierdesk:afterCommit';

/**
 * Runs `fn` once the transaction of `em` has committed (never if it rolls back); outside a transaction, at once.
 * For work that must only follow a committed change: telling caches and subscribers about it.
 */
export function afterCommit(em: EntityManager, fn: () => void): void {
  const runner = em.queryRunner;
  if (!runner?.isTransactionActive) return fn();
  ((runner.data[HOOKS] ??= []) as (() => void)[]).push(fn);
}

/** Registered with the data source: runs the hooks when the outermost transaction commits, drops them on rollback. */
@EventSubscriber()
export class AfterCommitSubscriber implements EntitySubscriberInterface {
  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    if (queryRunner.isTransactionActive) return; // a savepoint released inside the transaction
    for (const fn of take(queryRunner)) fn();
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    if (!queryRunner.isTransactionActive) take(queryRunner);
  }
}

function take(runner: QueryRunner): (() => void)[] {
  const hooks = (runner.data[HOOKS] ?? []) as (() => void)[];
  runner.data[HOOKS] = [];
  return hooks;
}
