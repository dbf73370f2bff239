import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { cursorFor } from '../common/pagination/keyset.js';
import { ConnectionArgs } from '../common/pagination/page.args.js';
import { toConnection } from '../common/pagination/paginated.js';
import { CreateMailboxInput, UpdateMailboxInput } from './dto/mailbox.inputs.js';
import { Mailbox, MailboxConnection, MailboxMessageConnection, toMailbox, toMailboxMessage } from './mailbox.model.js';
import { MAILBOX_KEYSET, MAILBOX_MESSAGE_KEYSET, MailboxesService } from './mailboxes.service.js';

@Resolver(() => Mailbox)
export class MailboxesResolver {
  constructor(private readonly service: MailboxesService) {}

  @Query(() => MailboxConnection, { description: 'Admin only; oldest first.' })
  @Roles('admin')
  async mailboxes(@CurrentActor() actor: Actor, @Args() args: ConnectionArgs) {
    return toConnection(await this.service.list(actor, args.toPage()), toMailbox, (b) => cursorFor(MAILBOX_KEYSET, b));
  }

  @Query(() => Mailbox, { description: 'Admin only.' })
  @Roles('admin')
  async mailbox(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    return toMailbox(await this.service.findOne(actor, id));
  }

  @Query(() => MailboxMessageConnection, { description: "Admin only: a mailbox's import log, oldest first." })
  @Roles('admin')
  async mailboxMessages(
    @CurrentActor() actor: Actor,
    @Args('mailboxId', { type: () => ID }) mailboxId: string,
    @Args() args: ConnectionArgs,
  ) {
    const page = await this.service.messages(actor, mailboxId, args.toPage());
    return toConnection(page, toMailboxMessage, (m) => cursorFor(MAILBOX_MESSAGE_KEYSET, m));
  }

  @Mutation(() => Mailbox, { description: 'Admin only. Passwords are write-only.' })
  @Roles('admin')
  async createMailbox(@CurrentActor() actor: Actor, @Args('input') input: CreateMailboxInput) {
    return toMailbox(await this.service.create(actor, input));
  }

  @Mutation(() => Mailbox, { description: 'Admin only.' })
  @Roles('admin')
  async updateMailbox(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateMailboxInput,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    return toMailbox(await this.service.update(actor, id, input, expectedVersion));
  }

  @Mutation(() => Boolean, { description: 'Admin only.' })
  @Roles('admin')
  async deleteMailbox(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    await this.service.remove(actor, id);
    return true;
  }

  @Mutation(() => Mailbox, { description: 'Admin only: fetch new mail now (answers before the check has run).' })
  @Roles('admin')
  async checkMailbox(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    return toMailbox(await this.service.check(actor, id));
  }
}
