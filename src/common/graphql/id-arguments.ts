import { MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLArgumentConfig,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { DomainError, type FieldError } from '../errors/domain-error.js';

// Every id Tierdesk hands out is a UUID: anything else cannot name a resource, and must never reach SQL.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Wraps every field that takes an `ID` (as an argument, in a list, or inside an input object, at any depth) so a value
 * that is not a UUID is refused with VALIDATION_FAILED naming it (`id`, `input.requesterId`) before any resolver runs.
 * Applied to the whole schema, it covers every query, mutation, subscription and field argument added later.
 */
export function refuseMalformedIds(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field) => {
      const args = Object.entries(field.args ?? {}).filter(([, arg]) => carriesId(arg.type));
      if (args.length === 0) return field;
      const check = (values: Record<string, unknown>) => {
        const errors = args.flatMap(([name, arg]) => malformedIds(arg, values[name], name));
        if (errors.length) throw DomainError.validation(errors);
      };
      return {
        ...field,
        ...(field.resolve ? { resolve: guarded(field.resolve, check) } : {}),
        ...(field.subscribe ? { subscribe: guarded(field.subscribe, check) } : {}),
      };
    },
  });
}

function guarded(
  resolve: GraphQLFieldResolver<unknown, unknown>,
  check: (args: Record<string, unknown>) => void,
): GraphQLFieldResolver<unknown, unknown> {
  return (source, args, context, info) => {
    check(args);
    return resolve(source, args, context, info);
  };
}

function carriesId(type: GraphQLInputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (named.name === 'ID') return true;
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((f) => carriesId(f.type, seen));
}

function malformedIds(arg: Pick<GraphQLArgumentConfig, 'type'>, value: unknown, path: string): FieldError[] {
  if (value === null || value === undefined) return [];
  const type = isNonNullType(arg.type) ? arg.type.ofType : arg.type;
  if (isListType(type)) {
    return Array.isArray(value) ? value.flatMap((item, i) => malformedIds({ type: type.ofType }, item, `${path}[${i}]`)) : [];
  }
  if (isInputObjectType(type)) {
    return Object.entries(type.getFields()).flatMap(([name, f]) =>
      malformedIds(f, (value as Record<string, unknown>)[name], `${path}.${name}`),
    );
  }
  if (getNamedType(type).name === 'ID' && (typeof value !== 'string' || !UUID.test(value))) {
    return [{ field: path, message: `${path} must be a UUID` }];
  }
  return [];
}
