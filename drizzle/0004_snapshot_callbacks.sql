CREATE TYPE "public"."callback_format" AS ENUM('STANDARD', 'JDCLOUD');--> statement-breakpoint
CREATE TYPE "public"."callback_delivery_status" AS ENUM('PENDING', 'DELIVERED', 'DEAD');--> statement-breakpoint
CREATE TABLE "snapshot_callbacks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"domain_group_id" uuid NOT NULL,
	"url" text NOT NULL,
	"format" "callback_format" NOT NULL,
	"signing_secret" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "callback_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"callback_id" uuid NOT NULL,
	"webhook_id" text DEFAULT ('msg_' || replace(gen_random_uuid()::text, '-', '')) NOT NULL,
	"snapshot_id" uuid NOT NULL,
	"snapshot" jsonb NOT NULL,
	"status" "callback_delivery_status" DEFAULT 'PENDING' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"next_attempt_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"retrying_since" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp (3) with time zone,
	CONSTRAINT "callback_deliveries_webhook_id_unique" UNIQUE("webhook_id")
);
--> statement-breakpoint
ALTER TABLE "snapshot_callbacks" ADD CONSTRAINT "snapshot_callbacks_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshot_callbacks" ADD CONSTRAINT "snapshot_callbacks_domain_group_id_domain_groups_id_fk" FOREIGN KEY ("domain_group_id") REFERENCES "public"."domain_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_deliveries" ADD CONSTRAINT "callback_deliveries_callback_id_snapshot_callbacks_id_fk" FOREIGN KEY ("callback_id") REFERENCES "public"."snapshot_callbacks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "snapshot_callbacks_account_idx" ON "snapshot_callbacks" USING btree ("account_id","created_at","id");--> statement-breakpoint
CREATE INDEX "snapshot_callbacks_domain_group_idx" ON "snapshot_callbacks" USING btree ("domain_group_id");--> statement-breakpoint
CREATE INDEX "callback_deliveries_due_idx" ON "callback_deliveries" USING btree ("next_attempt_at") WHERE "callback_deliveries"."status" = 'PENDING';--> statement-breakpoint
CREATE INDEX "callback_deliveries_listing_idx" ON "callback_deliveries" USING btree ("callback_id","created_at","id");