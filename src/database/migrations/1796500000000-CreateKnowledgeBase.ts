import type { MigrationInterface, QueryRunner } from 'typeorm';

// The knowledge base: categories, articles (searched by stored tsvectors, stemmed in each article's own language, and
// by trigrams of titles when full-text finds nothing), feedback, suggestions shown before a ticket, and the articles
// agents link in replies. pg_trgm ships with PostgreSQL (contrib) and with the embedded PGlite.
const CONFIG = `(CASE "locale" WHEN 'ru' THEN 'russian'::regconfig ELSE 'english'::regconfig END)`;
const TITLE = `to_tsvector(${CONFIG}, "title")`;
const DOCUMENT = `(setweight(to_tsvector(${CONFIG}, "title"), 'A') || setweight(to_tsvector(${CONFIG}, (("body" || ' ') || "transcript")), 'B'))`;
const METADATA = `INSERT INTO "typeorm_metadata"("database", "schema", "table", "type", "name", "value") VALUES (current_database(), current_schema(), 'kb_article', 'GENERATED_COLUMN', $1, $2)`;
const FORGET = `DELETE FROM "typeorm_metadata" WHERE "database" = current_database() AND "table" = 'kb_article' AND "type" = 'GENERATED_COLUMN'`;

export class CreateKnowledgeBase1796500000000 implements MigrationInterface {
  name = 'CreateKnowledgeBase1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(
      `CREATE TABLE "kb_category" ("id" uuid NOT NULL, "name" text NOT NULL, "description" text NOT NULL DEFAULT '', "parentId" uuid, "position" integer NOT NULL DEFAULT 0, "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "PK_kb_category" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_kb_category_parent_position" ON "kb_category" ("parentId", "position", "id")`);
    await queryRunner.query(
      `ALTER TABLE "kb_category" ADD CONSTRAINT "fk_kb_category_parentId" FOREIGN KEY ("parentId") REFERENCES "kb_category"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`CREATE TYPE "public"."kb_article_kind" AS ENUM('article', 'faq', 'guide', 'video')`);
    await queryRunner.query(`CREATE TYPE "public"."kb_article_status" AS ENUM('draft', 'published')`);
    await queryRunner.query(
      `CREATE TABLE "kb_article" ("id" uuid NOT NULL, "slug" text NOT NULL, "title" text NOT NULL, "body" text NOT NULL, "kind" "public"."kb_article_kind" NOT NULL, "videoUrl" text, "transcript" text NOT NULL DEFAULT '', "categoryId" uuid, "locale" text NOT NULL, "status" "public"."kb_article_status" NOT NULL DEFAULT 'draft', "tags" text array NOT NULL DEFAULT '{}', "publishedAt" TIMESTAMP(3) WITH TIME ZONE, "translationOfId" uuid, "outdated" boolean NOT NULL DEFAULT false, "authorId" uuid NOT NULL, "views" integer NOT NULL DEFAULT 0, "helpfulCount" integer NOT NULL DEFAULT 0, "notHelpfulCount" integer NOT NULL DEFAULT 0, "deflections" integer NOT NULL DEFAULT 0, "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, "search" tsvector GENERATED ALWAYS AS (${DOCUMENT}) STORED NOT NULL, "searchTitle" tsvector GENERATED ALWAYS AS (${TITLE}) STORED NOT NULL, CONSTRAINT "PK_kb_article" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(METADATA, ['search', DOCUMENT]);
    await queryRunner.query(METADATA, ['searchTitle', TITLE]);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_kb_article_locale_slug" ON "kb_article" ("locale", "slug")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_kb_article_translation" ON "kb_article" ("translationOfId", "locale")`);
    await queryRunner.query(`CREATE INDEX "ix_kb_article_category" ON "kb_article" ("categoryId")`);
    await queryRunner.query(`CREATE INDEX "ix_kb_article_created" ON "kb_article" ("createdAt", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_kb_article_search" ON "kb_article" USING gin ("search")`);
    await queryRunner.query(`CREATE INDEX "ix_kb_article_search_title" ON "kb_article" USING gin ("searchTitle")`);
    await queryRunner.query(`CREATE INDEX "ix_kb_article_title_trgm" ON "kb_article" USING gin ("title" gin_trgm_ops)`);
    await queryRunner.query(
      `ALTER TABLE "kb_article" ADD CONSTRAINT "fk_kb_article_categoryId" FOREIGN KEY ("categoryId") REFERENCES "kb_category"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "kb_article" ADD CONSTRAINT "fk_kb_article_translationOfId" FOREIGN KEY ("translationOfId") REFERENCES "kb_article"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "kb_article" ADD CONSTRAINT "fk_kb_article_authorId" FOREIGN KEY ("authorId") REFERENCES "user_account"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "ticket_message" ADD "kbArticleIds" uuid array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(
      `CREATE TABLE "kb_article_link" ("messageId" uuid NOT NULL, "articleId" uuid NOT NULL, "ticketId" uuid NOT NULL, "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_kb_article_link" PRIMARY KEY ("messageId", "articleId"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_kb_article_link_article_ticket" ON "kb_article_link" ("articleId", "ticketId")`);
    await queryRunner.query(
      `ALTER TABLE "kb_article_link" ADD CONSTRAINT "fk_kb_article_link_messageId" FOREIGN KEY ("messageId") REFERENCES "ticket_message"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "kb_article_link" ADD CONSTRAINT "fk_kb_article_link_articleId" FOREIGN KEY ("articleId") REFERENCES "kb_article"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "kb_article_link" ADD CONSTRAINT "fk_kb_article_link_ticketId" FOREIGN KEY ("ticketId") REFERENCES "ticket"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE TABLE "kb_feedback" ("id" uuid NOT NULL, "articleId" uuid NOT NULL, "userId" uuid, "ticketId" uuid, "helpful" boolean NOT NULL, "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_kb_feedback" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_kb_feedback_article_user" ON "kb_feedback" ("articleId", "userId")`);
    await queryRunner.query(
      `ALTER TABLE "kb_feedback" ADD CONSTRAINT "fk_kb_feedback_articleId" FOREIGN KEY ("articleId") REFERENCES "kb_article"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "kb_feedback" ADD CONSTRAINT "fk_kb_feedback_userId" FOREIGN KEY ("userId") REFERENCES "user_account"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "kb_feedback" ADD CONSTRAINT "fk_kb_feedback_ticketId" FOREIGN KEY ("ticketId") REFERENCES "ticket"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE TABLE "kb_suggestion" ("id" uuid NOT NULL, "userId" uuid NOT NULL, "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "ticketFiled" boolean, CONSTRAINT "PK_kb_suggestion" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_kb_suggestion_user_created" ON "kb_suggestion" ("userId", "createdAt")`);
    await queryRunner.query(
      `ALTER TABLE "kb_suggestion" ADD CONSTRAINT "fk_kb_suggestion_userId" FOREIGN KEY ("userId") REFERENCES "user_account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE TABLE "kb_suggestion_article" ("suggestionId" uuid NOT NULL, "articleId" uuid NOT NULL, "openedAt" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_kb_suggestion_article" PRIMARY KEY ("suggestionId", "articleId"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_kb_suggestion_article_article" ON "kb_suggestion_article" ("articleId")`);
    await queryRunner.query(
      `ALTER TABLE "kb_suggestion_article" ADD CONSTRAINT "fk_kb_suggestion_article_suggestionId" FOREIGN KEY ("suggestionId") REFERENCES "kb_suggestion"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "kb_suggestion_article" ADD CONSTRAINT "fk_kb_suggestion_article_articleId" FOREIGN KEY ("articleId") REFERENCES "kb_article"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "kb_suggestion_article"`);
    await queryRunner.query(`DROP TABLE "kb_suggestion"`);
    await queryRunner.query(`DROP TABLE "kb_feedback"`);
    await queryRunner.query(`DROP TABLE "kb_article_link"`);
    await queryRunner.query(`ALTER TABLE "ticket_message" DROP COLUMN "kbArticleIds"`);
    await queryRunner.query(FORGET);
    await queryRunner.query(`DROP TABLE "kb_article"`);
    await queryRunner.query(`DROP TYPE "public"."kb_article_status"`);
    await queryRunner.query(`DROP TYPE "public"."kb_article_kind"`);
    await queryRunner.query(`DROP TABLE "kb_category"`);
    // Without CASCADE: refused, and the revert with it, if something else in the database uses pg_trgm.
    await queryRunner.query(`DROP EXTENSION IF EXISTS pg_trgm`);
  }
}
