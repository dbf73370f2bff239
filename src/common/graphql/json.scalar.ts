import { GraphQLScalarType, Kind, type ObjectValueNode, type ListValueNode, type ValueNode } from 'graphql';
import { MAX_BODY_DEPTH } from '../validation/json-limits.js';

type Container = Record<string, unknown> | unknown[];

// An inline literal as plain JSON, walked with an explicit stack (a literal's nesting is the caller's to choose) and
// refused past the same depth as any JSON body; each field's own, lower limit is its validator's.
function literal(root: ValueNode): unknown {
  const scalar = (node: ValueNode): unknown => {
    switch (node.kind) {
      case Kind.STRING:
      case Kind.BOOLEAN:
        return node.value;
      case Kind.INT:
      case Kind.FLOAT:
        return Number(node.value);
      case Kind.NULL:
        return null;
      default:
        throw new TypeError(`JSONObject cannot represent ${node.kind}`);
    }
  };
  const isContainer = (node: ValueNode): node is ObjectValueNode | ListValueNode => node.kind === Kind.OBJECT || node.kind === Kind.LIST;
  const open = (node: ObjectValueNode | ListValueNode): Container => (node.kind === Kind.OBJECT ? {} : []);
  if (!isContainer(root)) return scalar(root);

  const result = open(root);
  const stack: { node: ObjectValueNode | ListValueNode; into: Container; depth: number }[] = [{ node: root, into: result, depth: 1 }];
  while (stack.length) {
    const { node, into, depth } = stack.pop()!;
    if (depth > MAX_BODY_DEPTH) throw new TypeError(`JSONObject may be nested at most ${MAX_BODY_DEPTH} levels deep`);
    const entries: [string | number, ValueNode][] =
      node.kind === Kind.OBJECT ? node.fields.map((f) => [f.name.value, f.value]) : node.values.map((v, i) => [i, v]);
    for (const [key, child] of entries) {
      const value = isContainer(child) ? open(child) : scalar(child);
      // Defined, not assigned: a key named __proto__ is data, as with JSON.parse.
      Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
      if (isContainer(child)) stack.push({ node: child, into: value as Container, depth: depth + 1 });
    }
  }
  return result;
}

const asObject = (value: unknown) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError('JSONObject must be an object');
  return value as Record<string, unknown>;
};

/** Free-form JSON object (custom fields, audit before/after). */
export const JSONObjectScalar = new GraphQLScalarType({
  name: 'JSONObject',
  description: 'A JSON object',
  serialize: asObject,
  parseValue: asObject,
  parseLiteral: (node) => asObject(literal(node)),
});
