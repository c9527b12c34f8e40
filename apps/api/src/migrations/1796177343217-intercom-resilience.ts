import { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 16: reconciliation state and lease, handled units (exactly once with webhooks), the uninstall probe limit, our package code. */
export class IntercomResilience1796177343217 implements MigrationInterface {
  name = 'IntercomResilience1796177343217';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "support_desk_handled_units" ("bindingId" uuid NOT NULL, "conversationId" character varying(64) NOT NULL, "unit" character varying(80) NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d788de6a7481f5b4a7509572513" PRIMARY KEY ("bindingId", "conversationId", "unit"))`,
    );
    await queryRunner.query(`ALTER TABLE "support_desk_bindings" ADD "reconcileState" jsonb`);
    await queryRunner.query(`ALTER TABLE "support_desk_bindings" ADD "reconciledAt" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "support_desk_bindings" ADD "reconcileLeaseUntil" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "support_desk_bindings" ADD "reconcileSince" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "support_desk_bindings" ADD "uninstallProbeAt" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "support_desk_bindings" ADD "appPackageCode" character varying(64)`);
    // Events recorded before this version wrote no handled units: reconciliation of existing bindings starts now, so
    // it never re-handles what their webhooks already brought.
    await queryRunner.query(`UPDATE "support_desk_bindings" SET "reconcileSince" = now()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "support_desk_bindings" DROP COLUMN "appPackageCode"`);
    await queryRunner.query(`ALTER TABLE "support_desk_bindings" DROP COLUMN "uninstallProbeAt"`);
    await queryRunner.query(`ALTER TABLE "support_desk_bindings" DROP COLUMN "reconcileSince"`);
    await queryRunner.query(`ALTER TABLE "support_desk_bindings" DROP COLUMN "reconcileLeaseUntil"`);
    await queryRunner.query(`ALTER TABLE "support_desk_bindings" DROP COLUMN "reconciledAt"`);
    await queryRunner.query(`ALTER TABLE "support_desk_bindings" DROP COLUMN "reconcileState"`);
    await queryRunner.query(`DROP TABLE "support_desk_handled_units"`);
  }
}
