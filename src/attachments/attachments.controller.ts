import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import '@fastify/multipart';
import { create as contentDisposition } from 'content-disposition';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { DomainError } from '../common/errors/domain-error.js';
import { PageArgs } from '../common/pagination/page.args.js';
import { Paginated } from '../common/pagination/paginated.js';
import { Attachment, toAttachment, toUploadResponse } from './attachment.model.js';
import { AttachmentUploads, type UploadPart } from './attachment-uploads.service.js';
import { AttachmentsService } from './attachments.service.js';
import { parseRange } from './http-range.js';
import { IdempotentInService } from '../common/idempotency/api-idempotency-key.decorator.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';

const AttachmentList = Paginated(Attachment);
// Whatever a browser makes of the bytes, opened directly they load nothing and run no script.
const SANDBOX = "default-src 'none'; sandbox";

@ApiTags('attachments')
@Controller()
export class AttachmentsController {
  constructor(
    private readonly attachments: AttachmentsService,
    private readonly uploads: AttachmentUploads,
  ) {}

  @Post('tickets/:id/attachments')
  @Roles('customer', 'agent', 'admin')
  @ApiOperation({
    summary: 'Upload screenshots, logs, documents',
    description:
      'multipart/form-data with one or more `file` parts, streamed to storage. Type sniffed from the bytes (415 outside the allow-list), ATTACHMENT_MAX_BYTES per file (413). One file → the attachment; several → `{ data: [...] }`. Attach to a message with `attachmentIds`.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'array', maxItems: 100, items: { type: 'string', format: 'binary', maxLength: 5_368_709_120 } } },
    },
  })
  @IdempotentInService()
  @ApiCreatedResponse({ schema: { oneOf: [{ $ref: '#/components/schemas/Attachment' }, { $ref: '#/components/schemas/AttachmentList' }] } })
  async upload(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!request.isMultipart()) throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send multipart/form-data with one or more "file" parts');
    const key = request.headers['idempotency-key'];
    const once = key === undefined ? undefined : { key: Array.isArray(key) ? key.join(',') : key, path: request.url };
    const result = await this.uploads.upload(actor, id, fileParts(request), once);
    if ('created' in result) return toUploadResponse(result.created);
    reply.header('idempotent-replayed', 'true');
    return result.replay.body;
  }

  @Get('tickets/:id/attachments')
  @Roles('customer', 'agent', 'admin')
  @ApiOperation({ summary: "A ticket's files", description: 'Customers see files on public messages and their own uploads.' })
  @ApiOkResponse({ type: AttachmentList })
  async list(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string, @Query() page: PageArgs) {
    const result = await this.attachments.list(actor, id, page);
    return { data: result.data.map(toAttachment), nextCursor: result.nextCursor };
  }

  @Get('attachments/:id')
  @Roles('customer', 'agent', 'admin')
  @ApiOperation({
    summary: 'Attachment metadata',
    description: '404 unless the caller may see the ticket and the message the file belongs to.',
  })
  @ApiOkResponse({ type: Attachment })
  async get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<Attachment> {
    return toAttachment(await this.attachments.findOne(actor, id));
  }

  @Get('attachments/:id/content')
  @Roles('customer', 'agent', 'admin')
  @ApiOperation({
    summary: 'Download the bytes',
    description: 'Always as a download (Content-Disposition: attachment, nosniff); `Range: bytes=a-b` → 206.',
  })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary', maxLength: 5_368_709_120 } })
  async content(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const meta = await this.attachments.findOne(actor, id);
    const size = Number(meta.size);
    const etag = `"${meta.sha256}"`;
    reply
      .header('Content-Type', meta.contentType)
      .header('Content-Disposition', contentDisposition(meta.filename))
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', SANDBOX)
      .header('Cache-Control', 'private, no-cache')
      .header('ETag', etag)
      .header('Accept-Ranges', 'bytes');
    if (request.headers['if-none-match'] === etag) return void reply.status(304).send();
    const range = parseRange(request.headers.range, size);
    const { body } = await this.attachments.content(actor, id, range ?? undefined);
    if (range) {
      reply
        .status(206)
        .header('Content-Range', `bytes ${range.start}-${range.end}/${size}`)
        .header('Content-Length', range.end - range.start + 1);
    } else {
      reply.status(200).header('Content-Length', size);
    }
    return reply.send(body);
  }

  @Get('attachments/:id/preview')
  @Roles('customer', 'agent', 'admin')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'The end of a text log', description: 'The last `lines` lines (1–1000, default 200), as text/plain.' })
  @ApiQuery({ name: 'lines', required: false, schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 1000, default: 200 } })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string', maxLength: 1_048_576 } })
  async preview(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Query('lines') lines: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const count = lines === undefined ? 200 : Number(lines);
    if (!Number.isInteger(count) || count < 1 || count > 1000)
      throw DomainError.validation([{ field: 'lines', message: 'lines must be an integer from 1 to 1000' }]);
    const text = await this.attachments.preview(actor, id, count);
    return void reply
      .header('Content-Type', 'text/plain; charset=utf-8')
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', SANDBOX)
      .send(text);
  }
}

/** The request's parts as upload parts; a plain form field is refused, naming it. */
async function* fileParts(request: FastifyRequest): AsyncGenerator<UploadPart> {
  for await (const part of request.parts()) {
    if (part.type !== 'file') throw DomainError.validation([{ field: part.fieldname, message: 'only parts named "file" are accepted' }]);
    yield { fieldname: part.fieldname, filename: part.filename, mimetype: part.mimetype, file: part.file };
  }
}
