import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { jsonFieldViolation } from './json-limits.js';

/**
 * A free-form JSON object within JSON_FIELD_LIMITS (depth 5, 50 keys per object, 16 KiB encoded); the message names the
 * field and the limit it breaks. Every free-form JSON input carries it, on both transports.
 */
export function IsBoundedJson(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isBoundedJson',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown, args: ValidationArguments) => jsonFieldViolation(value, args.property) === null,
        defaultMessage: (args: ValidationArguments) => jsonFieldViolation(args.value, args.property) ?? `${args.property} is out of bounds`,
      },
    });
  };
}
