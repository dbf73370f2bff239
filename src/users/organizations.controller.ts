import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { IfMatch } from '../common/http/etag.js';
import { PageArgs } from '../common/pagination/page.args.js';
import { Paginated } from '../common/pagination/paginated.js';
import { UpdateOrganizationInput } from './dto/update-organization.input.js';
import { Organization, toOrganization } from './organization.model.js';
import { OrganizationsService } from './organizations.service.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';

const OrganizationList = Paginated(Organization);

@ApiTags('organizations')
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'List organizations', description: 'Agents and admins.' })
  @ApiOkResponse({ type: OrganizationList })
  async list(@CurrentActor() actor: Actor, @Query() args: PageArgs) {
    const page = await this.organizations.list(actor, args);
    return { data: page.data.map(toOrganization), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Roles('customer', 'agent', 'admin')
  @ApiOperation({ summary: 'Get an organization', description: 'Staff see any; a customer only their own.' })
  @ApiOkResponse({ type: Organization })
  async get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<Organization> {
    return toOrganization(await this.organizations.findOne(actor, id));
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Rename an organization or change whether its customers share tickets',
    description: 'Admin only. Honours If-Match.',
  })
  @ApiOkResponse({ type: Organization })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Body() input: UpdateOrganizationInput,
    @IfMatch() expectedVersion?: number,
  ): Promise<Organization> {
    return toOrganization(await this.organizations.update(actor, id, input, expectedVersion));
  }
}
