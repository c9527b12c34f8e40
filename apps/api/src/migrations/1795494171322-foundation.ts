import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795494171322 implements MigrationInterface {
  name = 'Foundation1795494171322';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "tenants" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "name" character varying(255) NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_53be67a04681c66b87ee27c9321" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "tenantId" uuid NOT NULL, "email" character varying(320) NOT NULL, "name" character varying(255) NOT NULL, "passwordHash" character varying(255) NOT NULL, "role" character varying(16) NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_c58f7e88c286e5e3478960a998" ON "users"  ("tenantId") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_97672ac88f789774dd47f7c8be" ON "users"  ("email") `);
    await queryRunner.query(
      `CREATE TABLE "sessions" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "tokenHash" character(64) NOT NULL, "userId" uuid NOT NULL, "tenantId" uuid NOT NULL, "expiresAt" TIMESTAMP WITH TIME ZONE NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_bace6c68efc156fddac9b14bda" ON "sessions"  ("tokenHash") `);
    await queryRunner.query(`CREATE INDEX "IDX_57de40bc620f456c7311aa3a1e" ON "sessions"  ("userId") `);
    await queryRunner.query(
      `CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "tenantId" uuid NOT NULL, "projectId" uuid, "name" character varying(255) NOT NULL, "type" character varying(8) NOT NULL, "prefix" character varying(32) NOT NULL, "keyHash" character(64) NOT NULL, "permissions" text array NOT NULL, "createdBy" uuid, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "lastUsedAt" TIMESTAMP WITH TIME ZONE, "revokedAt" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_2cd545077d6e6e8378b051cf1b" ON "api_keys"  ("tenantId") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_df3b25181df0b4b59bd93f16e1" ON "api_keys"  ("keyHash") `);
    await queryRunner.query(
      `CREATE TABLE "analyses" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "tenantId" uuid NOT NULL, "projectId" uuid NOT NULL, "status" character varying(16) NOT NULL, "description" character varying(5000) NOT NULL, "timeStart" TIMESTAMP WITH TIME ZONE NOT NULL, "timeEnd" TIMESTAMP WITH TIME ZONE NOT NULL, "metadata" jsonb NOT NULL DEFAULT '{}', "trigger" character varying(16) NOT NULL, "triggeredBy" character varying(80), "bindingId" uuid, "conversationId" character varying(64), "severity" character varying(16), "result" jsonb, "errorCode" character varying(64), "errorMessage" character varying(1000), "partialReasons" jsonb NOT NULL DEFAULT '[]', "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "startedAt" TIMESTAMP WITH TIME ZONE, "completedAt" TIMESTAMP WITH TIME ZONE, "processingTimeMs" integer, CONSTRAINT "PK_91421900ca225ed9865d016a940" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_8f0a092cfa22adb08c024b4500" ON "analyses"  ("bindingId") `);
    await queryRunner.query(`CREATE INDEX "IDX_4d73c90c44b39548fe9a952b7d" ON "analyses"  ("projectId", "createdAt") `);
    await queryRunner.query(
      `CREATE TABLE "rate_limit_counters" ("key" character varying(200) NOT NULL, "windowStart" TIMESTAMP WITH TIME ZONE NOT NULL, "count" integer NOT NULL, CONSTRAINT "PK_6a704e51877b5cfd82b57c79af6" PRIMARY KEY ("key", "windowStart"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "idempotency_keys" ("scope" character varying(200) NOT NULL, "key" character varying(255) NOT NULL, "requestHash" character(64) NOT NULL, "status" integer NOT NULL, "body" jsonb NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_15de2f76fa9f27ad8f330983607" PRIMARY KEY ("scope", "key"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "log_sources" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "tenantId" uuid NOT NULL, "projectId" uuid NOT NULL, "type" character varying(32) NOT NULL, "name" character varying(255) NOT NULL, "credentialsSealed" text NOT NULL, "sources" text array NOT NULL, "region" character varying(64), "settings" jsonb NOT NULL DEFAULT '{}', "isActive" boolean NOT NULL DEFAULT true, "lastTestedAt" TIMESTAMP WITH TIME ZONE, "lastTestResult" jsonb, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_292d8e5639fbd70305e28c59c05" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_402ef1e8bc40e781bba2500f27" ON "log_sources"  ("projectId") `);
    await queryRunner.query(
      `CREATE TABLE "projects" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "tenantId" uuid NOT NULL, "name" character varying(255) NOT NULL, "slug" character varying(100) NOT NULL, "description" character varying(1000), "isDefault" boolean NOT NULL DEFAULT false, "llmContext" character varying(2000), "services" jsonb NOT NULL DEFAULT '[]', "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6271df0a7aed1d6c0691ce6ac50" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_448b2462c0d35a96a820c926e0" ON "projects"  ("tenantId") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_3ecb9fae3940224639bea1e62e" ON "projects"  ("tenantId", "slug") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_3ecb9fae3940224639bea1e62e"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_448b2462c0d35a96a820c926e0"`);
    await queryRunner.query(`DROP TABLE "projects"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_402ef1e8bc40e781bba2500f27"`);
    await queryRunner.query(`DROP TABLE "log_sources"`);
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
    await queryRunner.query(`DROP TABLE "rate_limit_counters"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_4d73c90c44b39548fe9a952b7d"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_8f0a092cfa22adb08c024b4500"`);
    await queryRunner.query(`DROP TABLE "analyses"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_df3b25181df0b4b59bd93f16e1"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_2cd545077d6e6e8378b051cf1b"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_57de40bc620f456c7311aa3a1e"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_bace6c68efc156fddac9b14bda"`);
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_97672ac88f789774dd47f7c8be"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_c58f7e88c286e5e3478960a998"`);
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP TABLE "tenants"`);
  }
}
