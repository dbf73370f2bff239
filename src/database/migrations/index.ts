import { CreateIdempotencyKeyTable1795610576718 } from './1795610576718-CreateIdempotencyKeyTable.js';
import { CreateIdentityTables1795612043391 } from './1795612043391-CreateIdentityTables.js';
import { CreateTicketTables1795613447304 } from './1795613447304-CreateTicketTables.js';
import { UseMillisecondTimestamps1795617167477 } from './1795617167477-UseMillisecondTimestamps.js';
import { AddTierRoutingSlaAndEscalationTables1795621010333 } from './1795621010333-AddTierRoutingSlaAndEscalationTables.js';
import { CreateAttachmentAndInfoRequestTables1795622717311 } from './1795622717311-CreateAttachmentAndInfoRequestTables.js';
import { AddSearchVectorsAndTierQueueIndex1795632252328 } from './1795632252328-AddSearchVectorsAndTierQueueIndex.js';
import { AddStatusToAttachment1796402531969 } from './1796402531969-AddStatusToAttachment.js';
import { CreateDefaultFirstLineTier1796410000000 } from './1796410000000-CreateDefaultFirstLineTier.js';
import { AddIntakeCatalogVersion1796420000000 } from './1796420000000-AddIntakeCatalogVersion.js';
import { AddForeignKeys1796430000000 } from './1796430000000-AddForeignKeys.js';
import { KeepDeletedTiersAndSlaPolicies1796440000000 } from './1796440000000-KeepDeletedTiersAndSlaPolicies.js';
import { MoveRuleOrganizationsToTable1796497343071 } from './1796497343071-MoveRuleOrganizationsToTable.js';
import { CreateKnowledgeBase1796500000000 } from './1796500000000-CreateKnowledgeBase.js';
import { CreateWebhookTables1796526286609 } from './1796526286609-CreateWebhookTables.js';
import { CreateEmailChannel1796527093815 } from './1796527093815-CreateEmailChannel.js';

// Every migration in order. `npm run migration:generate -- <PascalVerbNoun>` writes a new one and appends it here.
export const migrations = [
  CreateIdempotencyKeyTable1795610576718,
  CreateIdentityTables1795612043391,
  CreateTicketTables1795613447304,
  UseMillisecondTimestamps1795617167477,
  AddTierRoutingSlaAndEscalationTables1795621010333,
  CreateAttachmentAndInfoRequestTables1795622717311,
  AddSearchVectorsAndTierQueueIndex1795632252328,
  AddStatusToAttachment1796402531969,
  CreateDefaultFirstLineTier1796410000000,
  AddIntakeCatalogVersion1796420000000,
  AddForeignKeys1796430000000,
  KeepDeletedTiersAndSlaPolicies1796440000000,
  MoveRuleOrganizationsToTable1796497343071,
  CreateKnowledgeBase1796500000000,
  CreateWebhookTables1796526286609,
  CreateEmailChannel1796527093815,
];
