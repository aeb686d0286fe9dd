export * from "./accounts";
export * from "./domain-groups";
export * from "./snapshot-templates";
export * from "./snapshot-configs";
export * from "./live-streams";
export * from "./snapshots";
export * from "./snapshot-callbacks";
export * from "./callback-deliveries";
