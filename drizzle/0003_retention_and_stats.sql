ALTER TABLE "snapshot_templates" ADD COLUMN "retention_days" integer;--> statement-breakpoint
ALTER TABLE "snapshots" ADD COLUMN "template_id" uuid;--> statement-breakpoint
-- Images taken before this migration fall under the retention of the template frozen in their stream.
UPDATE "snapshots" s SET "template_id" = (ls."template"->>'id')::uuid
  FROM "live_streams" ls WHERE ls."id" = s."live_stream_id" AND ls."template" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "snapshots_retention_idx" ON "snapshots" USING btree ("template_id","captured_at","id");--> statement-breakpoint
CREATE INDEX "snapshots_stats_idx" ON "snapshots" USING btree ("account_id","domain","captured_at","app_name","stream_name","bytes");