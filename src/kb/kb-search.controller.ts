import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../actor/actor.js';
import { OptionalActor } from '../actor/current-actor.decorator.js';
import { AnyCaller } from '../actor/roles.decorator.js';
import { Paginated } from '../common/pagination/paginated.js';
import { KbSearchArgs, KbSuggestionsArgs } from './dto/kb.inputs.js';
import { KbSearchService } from './kb-search.service.js';
import { KbSearchHit } from './kb.models.js';

const KbSearchHitList = Paginated(KbSearchHit);

@ApiTags('knowledge base')
@Controller('kb')
export class KbSearchController {
  constructor(private readonly search: KbSearchService) {}

  @Get('search')
  @AnyCaller()
  @ApiOperation({
    summary: 'Search published articles',
    description:
      'Full text, stemmed per language (en, ru), titles weighted over bodies, best first, with `<mark>` snippets; when no word ' +
      'matches, titles are matched allowing typos. Anyone, no token needed.',
  })
  @ApiOkResponse({ type: KbSearchHitList })
  async find(@OptionalActor() reader: Actor | null, @Query() args: KbSearchArgs) {
    const page = await this.search.search(reader, args.q, args.locale, { limit: args.limit, cursor: args.cursor });
    return { data: page.data, nextCursor: page.nextCursor };
  }

  @Get('suggestions')
  @AnyCaller()
  @ApiOperation({
    summary: 'Articles likely to answer a ticket',
    description:
      "For a draft's `text` (subject and body, before the ticket is filed) or a `ticketId` you can see; the top articles in " +
      "`locale`, else the text's language, best first.",
  })
  @ApiOkResponse({ type: KbSearchHitList })
  async suggestions(@OptionalActor() reader: Actor | null, @Query() args: KbSuggestionsArgs) {
    const { limit, cursor, ...query } = args;
    const page = await this.search.suggest(reader, query, { limit, cursor });
    return { data: page.data, nextCursor: page.nextCursor };
  }
}
