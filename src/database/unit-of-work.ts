import type { DataSource, EntityManager } from 'typeorm';

/**
 * What a request asks of its write beyond the write itself: a request with an Idempotency-Key stores the response it
 * will be answered with in the same transaction, so a crash after the commit can never run it twice.
 */
export interface UnitOfWork {
  /** Called inside the write transaction, with what the transaction produced, just before it commits. */
  beforeCommit(em: EntityManager, result: unknown): Promise<void>;
}

/** An actor (or anything a service takes first) that may carry a unit of work. */
export interface CarriesUnitOfWork {
  unitOfWork?: UnitOfWork;
}

/** The one transaction of a write a caller asked for: `work`, then whatever the request's unit of work adds, one commit. */
export function writeTransaction<T>(
  dataSource: DataSource,
  caller: CarriesUnitOfWork,
  work: (em: EntityManager) => Promise<T>,
): Promise<T> {
  return dataSource.transaction(async (em) => {
    const result = await work(em);
    await caller.unitOfWork?.beforeCommit(em, result);
    return result;
  });
}
