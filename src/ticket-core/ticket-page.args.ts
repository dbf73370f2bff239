import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';
import { ConnectionArgs } from '../common/pagination/page.args.js';

/** A page of something belonging to one ticket (escalations, attachments, information requests). */
@ArgsType()
export class TicketPageArgs extends ConnectionArgs {
  @Field(() => ID)
  @IsUUID()
  ticketId!: string;
}
