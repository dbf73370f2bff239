import { ApiProperty } from '@nestjs/swagger';
import { ErrorCode } from '../common/errors/error-code.js';

export class FieldErrorDocument {
  @ApiProperty({ maxLength: 255, example: 'subject' }) field!: string;
  @ApiProperty({ maxLength: 1024, example: 'subject must be shorter than or equal to 200 characters' }) message!: string;
}

/** RFC 9457 problem details; the schema of every REST error. */
export class ProblemDocument {
  @ApiProperty({ maxLength: 255, example: 'urn:tierdesk:problem:validation-failed' }) type!: string;
  @ApiProperty({ maxLength: 255, example: 'Validation failed' }) title!: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 400, maximum: 599, example: 400 }) status!: number;
  @ApiProperty({ maxLength: 4096, example: 'Invalid input: subject' }) detail!: string;
  @ApiProperty({ enum: Object.values(ErrorCode), enumName: 'ErrorCode' }) code!: ErrorCode;
  @ApiProperty({ type: [FieldErrorDocument], maxItems: 1000 }) errors!: FieldErrorDocument[];
  @ApiProperty({ required: false, maxLength: 2048, example: '/v1/tickets' }) instance?: string;
}
