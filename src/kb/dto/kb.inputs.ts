import { ArgsType, Field, ID, InputType, Int, OmitType, PartialType } from '@nestjs/graphql';
import {
  ApiProperty,
  ApiPropertyOptional,
  IntersectionType,
  OmitType as ApiOmitType,
  PartialType as ApiPartialType,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ConnectionArgs, MAX_PAGE_SIZE, PageArgs } from '../../common/pagination/page.args.js';
import {
  KB_ARTICLE_KINDS,
  KB_ARTICLE_STATUSES,
  KB_LOCALES,
  type KbArticleKind,
  type KbArticleStatus,
  type KbLocale,
} from '../kb-article.entity.js';
import { KbArticleKindEnum, KbArticleStatusEnum, KbLocaleEnum } from '../kb.enums.js';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const uuidList = { type: 'string', format: 'uuid', maxLength: 36 } as const;

@InputType()
export class CreateKbCategoryInput {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @Field(() => String)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ maxLength: 2000, default: '' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  /** A top-level category to sit under (one level of nesting). */
  @ApiPropertyOptional({ ...uuidList, nullable: true, description: 'A top-level category to sit under (one level of nesting)' })
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  parentId?: string | null;

  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 0, maximum: 100000, default: 0 })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100000)
  position?: number;
}

@InputType()
export class UpdateKbCategoryInput extends PartialType(CreateKbCategoryInput, InputType) {}
export class UpdateKbCategoryBody extends ApiPartialType(CreateKbCategoryInput) {}

@InputType()
export class CreateKbArticleInput {
  @ApiProperty({ minLength: 1, maxLength: 200, pattern: SLUG.source, example: 'reset-your-password' })
  @Field(() => String)
  @IsString()
  @MaxLength(200)
  @Matches(SLUG, { message: 'slug must be lowercase letters, digits and single hyphens' })
  slug!: string;

  @ApiProperty({ minLength: 1, maxLength: 300 })
  @Field(() => String)
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  title!: string;

  @ApiProperty({ maxLength: 200_000, description: 'Markdown' })
  @Field(() => String)
  @IsString()
  @MaxLength(200_000)
  body!: string;

  @ApiPropertyOptional({ enum: KB_ARTICLE_KINDS, enumName: 'KbArticleKind', default: 'article' })
  @Field(() => KbArticleKindEnum, { nullable: true })
  @IsOptional()
  @IsIn(KB_ARTICLE_KINDS)
  kind?: KbArticleKind;

  /** Required for kind `video`. */
  @ApiPropertyOptional({ type: String, format: 'uri', maxLength: 2000, nullable: true, description: 'Required for kind video' })
  @Field(() => String, { nullable: true })
  @ValidateIf((o: CreateKbArticleInput) => o.videoUrl !== undefined && o.videoUrl !== null)
  @IsString()
  @MaxLength(2000)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'videoUrl must be an http(s) URL' })
  videoUrl?: string | null;

  @ApiPropertyOptional({ maxLength: 200_000, default: '', description: "A video's words; searched like the body" })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200_000)
  transcript?: string;

  @ApiPropertyOptional({ ...uuidList, nullable: true })
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  categoryId?: string | null;

  @ApiProperty({ enum: KB_LOCALES, enumName: 'KbLocale' })
  @Field(() => KbLocaleEnum)
  @IsIn(KB_LOCALES)
  locale!: KbLocale;

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', maxLength: 50 }, maxItems: 20, default: [] })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(50, { each: true })
  tags?: string[];

  /** `published` needs a role that may publish (KB_PUBLISH_ROLES, admins by default). */
  @ApiPropertyOptional({
    enum: KB_ARTICLE_STATUSES,
    enumName: 'KbArticleStatus',
    default: 'draft',
    description: 'published needs a role that may publish (KB_PUBLISH_ROLES, admins by default)',
  })
  @Field(() => KbArticleStatusEnum, { nullable: true })
  @IsOptional()
  @IsIn(KB_ARTICLE_STATUSES)
  status?: KbArticleStatus;

  /** The article this one translates, in another locale. */
  @ApiPropertyOptional({ ...uuidList, description: 'The article this one translates, in another locale' })
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  translationOfId?: string;
}

/** PATCH: given fields replace. `outdated: false` marks a translation reviewed against its source. */
@InputType()
export class UpdateKbArticleInput extends PartialType(
  OmitType(CreateKbArticleInput, ['translationOfId', 'locale'] as const, InputType),
  InputType,
) {
  @ApiPropertyOptional({ description: 'false: the translation was reviewed against its source' })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  outdated?: boolean;
}
class UpdateKbArticleFields extends ApiPartialType(ApiOmitType(CreateKbArticleInput, ['translationOfId', 'locale'] as const)) {}
class OutdatedField {
  @ApiPropertyOptional({ description: 'false: the translation was reviewed against its source' })
  @IsOptional()
  @IsBoolean()
  outdated?: boolean;
}
export class UpdateKbArticleBody extends IntersectionType(UpdateKbArticleFields, OutdatedField) {}

/** Filters of the article list (REST query string, GraphQL `filter`). */
@InputType()
export class KbArticleFilter {
  @ApiPropertyOptional({ enum: KB_LOCALES, enumName: 'KbLocale' })
  @Field(() => KbLocaleEnum, { nullable: true })
  @IsOptional()
  @IsIn(KB_LOCALES)
  locale?: KbLocale;

  @ApiPropertyOptional(uuidList)
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  categoryId?: string;

  @ApiPropertyOptional({ enum: KB_ARTICLE_KINDS, enumName: 'KbArticleKind' })
  @Field(() => KbArticleKindEnum, { nullable: true })
  @IsOptional()
  @IsIn(KB_ARTICLE_KINDS)
  kind?: KbArticleKind;

  /** Staff only; customers and anonymous readers always get published articles. */
  @ApiPropertyOptional({ enum: KB_ARTICLE_STATUSES, enumName: 'KbArticleStatus', description: 'Staff only' })
  @Field(() => KbArticleStatusEnum, { nullable: true })
  @IsOptional()
  @IsIn(KB_ARTICLE_STATUSES)
  status?: KbArticleStatus;

  @ApiPropertyOptional({ maxLength: 50 })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  tag?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  slug?: string;

  /** The translations of this article. */
  @ApiPropertyOptional({ ...uuidList, description: 'The translations of this article' })
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  translationOfId?: string;
}

export class ListKbArticlesArgs extends IntersectionType(PageArgs, KbArticleFilter) {}

@ArgsType()
export class KbArticlesArgs extends ConnectionArgs {
  @Field(() => KbArticleFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => KbArticleFilter)
  filter?: KbArticleFilter;
}

/** GraphQL `kbArticleTickets(id, first, after)`. */
@ArgsType()
export class KbArticleTicketsArgs extends ConnectionArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}

/** What is searched for, and in which language (both when omitted). */
@InputType('KbSearchQuery')
export class KbSearchQuery {
  @ApiProperty({ minLength: 1, maxLength: 200, description: 'Words to find; "quoted phrases", or, -excluded' })
  @Field(() => String)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q!: string;

  @ApiPropertyOptional({ enum: KB_LOCALES, enumName: 'KbLocale', description: 'Omitted: every locale' })
  @Field(() => KbLocaleEnum, { nullable: true })
  @IsOptional()
  @IsIn(KB_LOCALES)
  locale?: KbLocale;
}

export class KbSearchArgs extends IntersectionType(PageArgs, KbSearchQuery) {}

@ArgsType()
export class KbSearchConnectionArgs extends ConnectionArgs {
  @Field(() => String)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q!: string;

  @Field(() => KbLocaleEnum, { nullable: true })
  @IsOptional()
  @IsIn(KB_LOCALES)
  locale?: KbLocale;
}

/** A draft ticket's text (subject and body, before it is filed) or a filed ticket: exactly one. */
@InputType('KbSuggestionQuery')
export class KbSuggestionQuery {
  @ApiPropertyOptional({ maxLength: 5000, description: "A draft ticket's subject and body; or give ticketId" })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  text?: string;

  @ApiPropertyOptional({ ...uuidList, description: 'A ticket you can see; or give text' })
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  ticketId?: string;

  /** Omitted: the language the text is written in (Cyrillic → ru, else en). */
  @ApiPropertyOptional({ enum: KB_LOCALES, enumName: 'KbLocale', description: 'Omitted: the language of the text' })
  @Field(() => KbLocaleEnum, { nullable: true })
  @IsOptional()
  @IsIn(KB_LOCALES)
  locale?: KbLocale;
}

/** `GET /v1/kb/suggestions`: the query and a page (5 by default: a draft form shows a few). */
export class KbSuggestionsArgs extends KbSuggestionQuery {
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 1, maximum: MAX_PAGE_SIZE, default: 5 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = 5;

  @ApiPropertyOptional({ maxLength: 1024, description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  cursor?: string;
}

/** GraphQL `kbSuggestions(query, first, after)`. */
@ArgsType()
export class KbSuggestionConnectionArgs extends ConnectionArgs {
  @Field(() => KbSuggestionQuery)
  @ValidateNested()
  @Type(() => KbSuggestionQuery)
  query!: KbSuggestionQuery;
}

@InputType()
export class KbFeedbackInput {
  @ApiProperty({ description: 'Whether the article answered the question' })
  @Field(() => Boolean)
  @IsBoolean()
  helpful!: boolean;

  /** The ticket the reader had (yours, or one you work on). */
  @ApiPropertyOptional({ ...uuidList, description: 'The ticket the reader had' })
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  ticketId?: string;
}
