import { Args, ID, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { cursorFor } from '../common/pagination/keyset.js';
import { Connection, toConnection } from '../common/pagination/paginated.js';
import { Attachment, toAttachment } from './attachment.model.js';
import { ATTACHMENT_KEYSET, AttachmentsService } from './attachments.service.js';
import { TicketPageArgs } from '../ticket-core/ticket-page.args.js';

@ObjectType('AttachmentConnection')
class AttachmentConnection extends Connection(Attachment) {}

/** Reads only: uploads go through REST multipart (`POST /v1/tickets/{id}/attachments`), the bytes through `/content`. */
@Resolver(() => Attachment)
export class AttachmentsResolver {
  constructor(private readonly attachments: AttachmentsService) {}

  @Query(() => Attachment)
  @Roles('customer', 'agent', 'admin')
  async attachment(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    return toAttachment(await this.attachments.findOne(actor, id));
  }

  @Query(() => AttachmentConnection, { description: "A ticket's files the caller may see." })
  @Roles('customer', 'agent', 'admin')
  async ticketAttachments(@CurrentActor() actor: Actor, @Args() args: TicketPageArgs) {
    const page = await this.attachments.list(actor, args.ticketId, args.toPage());
    return toConnection(page, toAttachment, (a) => cursorFor(ATTACHMENT_KEYSET, a));
  }
}
