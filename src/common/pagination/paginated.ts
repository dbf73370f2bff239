import { Field, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import type { Type } from '@nestjs/common';
import type { Page } from './keyset.js';

/** REST list envelope `{ data, nextCursor }` for OpenAPI, one named schema per item type. */
export function Paginated<T>(item: Type<T>) {
  class PaginatedList {
    @ApiProperty({ type: [item], maxItems: 100 }) data!: T[];
    @ApiProperty({
      type: String,
      nullable: true,
      maxLength: 1024,
      description: 'Pass as `cursor` for the next page; null on the last page.',
    })
    nextCursor!: string | null;
  }
  Object.defineProperty(PaginatedList, 'name', { value: `${item.name}List` });
  return PaginatedList;
}

@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

/** GraphQL Relay connection for `item`: `@ObjectType('UserConnection') class UserConnection extends Connection(User) {}`. */
export function Connection<T>(item: Type<T>) {
  @ObjectType(`${item.name}Edge`)
  class Edge {
    @Field() cursor!: string;
    @Field(() => item) node!: T;
  }
  @ObjectType({ isAbstract: true })
  abstract class ConnectionType {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
  }
  return ConnectionType;
}

/** Page → Relay connection; `cursorOf` gives the keyset cursor that resumes after a row (see `cursorFor`). */
export function toConnection<E, T>(page: Page<E>, map: (row: E) => T, cursorOf: (row: E) => string) {
  return {
    edges: page.data.map((row) => ({ cursor: cursorOf(row), node: map(row) })),
    pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: page.data.length ? cursorOf(page.data[page.data.length - 1]) : null },
  };
}
