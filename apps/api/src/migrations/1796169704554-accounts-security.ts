import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19: an email is unique per tenant instead of installation-wide (no answer reveals another tenant's members);
 * addresses that logged in successfully are remembered 30 days (their logins go first while checks queue up); API
 * keys record why they were revoked, and keys whose creator was already removed are revoked now (they used to outlive
 * their creator).
 */
export class AccountsSecurity1796169704554 implements MigrationInterface {
  name = 'AccountsSecurity1796169704554';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_97672ac88f789774dd47f7c8be"`);
    await queryRunner.query(
      `CREATE TABLE "login_known_addresses" ("accountKey" character(32) NOT NULL, "addressKey" character varying(64) NOT NULL, "lastSuccessAt" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_21341ad42f0d548be3cf82d0a43" PRIMARY KEY ("accountKey", "addressKey"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_dd6219c8e5910b32f13489e922" ON "login_known_addresses"  ("lastSuccessAt") `);
    await queryRunner.query(`ALTER TABLE "api_keys" ADD "revokedReason" character varying(32)`);
    await queryRunner.query(`CREATE INDEX "IDX_97672ac88f789774dd47f7c8be" ON "users"  ("email") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_tenant_email" ON "users"  ("tenantId", "email") `);
    await queryRunner.query(`CREATE INDEX "IDX_5d883e3221b776e9b37f8ad963" ON "api_keys"  ("createdBy") `);
    await queryRunner.query(
      `UPDATE "api_keys" k SET "revokedAt" = now(), "revokedReason" = 'creator_removed'
       WHERE k."revokedAt" IS NULL AND k."createdBy" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "users" u WHERE u."id" = k."createdBy")`,
    );
    await queryRunner.query(`UPDATE "api_keys" SET "revokedReason" = 'manual' WHERE "revokedAt" IS NOT NULL AND "revokedReason" IS NULL`);
  }

  /** Fails while an email has accounts in several tenants (the old schema cannot hold them). */
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_5d883e3221b776e9b37f8ad963"`);
    await queryRunner.query(`DROP INDEX "public"."uq_users_tenant_email"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_97672ac88f789774dd47f7c8be"`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP COLUMN "revokedReason"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_dd6219c8e5910b32f13489e922"`);
    await queryRunner.query(`DROP TABLE "login_known_addresses"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_97672ac88f789774dd47f7c8be" ON "users" USING btree ("email") `);
  }
}
