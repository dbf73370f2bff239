import { registerEnumType } from '@nestjs/graphql';
import { enumOf } from '../common/graphql/enum-of.js';
import { KB_ARTICLE_KINDS, KB_ARTICLE_STATUSES, KB_LOCALES } from './kb-article.entity.js';

export const KbArticleKindEnum = enumOf(KB_ARTICLE_KINDS);
export const KbArticleStatusEnum = enumOf(KB_ARTICLE_STATUSES);
export const KbLocaleEnum = enumOf(KB_LOCALES);

registerEnumType(KbArticleKindEnum, { name: 'KbArticleKind' });
registerEnumType(KbArticleStatusEnum, { name: 'KbArticleStatus' });
registerEnumType(KbLocaleEnum, { name: 'KbLocale' });
