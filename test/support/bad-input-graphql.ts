import { readFileSync } from "node:fs";
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
} from "graphql";
import { BAD_CURSORS, BAD_DATES, EDGE_DATES, HOSTILE_STRINGS, INT_BOUNDS, intsPast } from "./bad-input-values";

/** One GraphQL request of the corpus and whether livesnap must refuse it or answer it. */
export interface GraphQLCase {
  name: string;
  query: string;
  variables: Record<string, unknown>;
  expect: "refused" | "answered";
}

/** Valid values of the objects the corpus refers to, seeded before it runs. */
export interface Seed {
  domain: string;
  templateId: string;
  configId: string;
  accountId: string;
  tokenId: string;
}

const SCHEMA = buildSchema(readFileSync(new URL("../../schema/schema.graphql", import.meta.url), "utf8"));

/** A valid value for an argument or input field, so that only the hostile value is wrong. */
function validValue(name: string, type: GraphQLInputType, seed: Seed): unknown {
  const named = getNamedType(type);
  if (isEnumType(named)) return named.getValues()[0]!.name;
  if (isInputObjectType(named)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(named.getFields())) {
      if (isNonNullType(field.type)) value[field.name] = validValue(field.name, field.type, seed);
    }
    return value;
  }
  const byName: Record<string, unknown> = {
    domain: seed.domain,
    pushDomain: "corpus-push.example.com",
    playDomain: "corpus-play.example.com",
    app: "live",
    stream: "cam",
    templateId: seed.templateId,
    accountId: seed.accountId,
    name: "corpus-base",
    intervalSeconds: 10,
    before: "2026-01-01T00:00:00Z",
    from: "2026-01-01T00:00:00Z",
    to: "2026-01-02T00:00:00Z",
    // A documentation address: no lookup, and nothing listens there.
    url: "https://203.0.113.10/livesnap-hook",
  };
  if (name in byName) return byName[name];
  if (named.name === "ID") return idFor(name, seed);
  throw new Error(`the corpus has no valid value for a required ${name}: ${named.name}`);
}

function idFor(name: string, seed: Seed): string {
  return name === "id" ? seed.templateId : seed.configId;
}

/** Where a hostile value goes: a top-level argument, or one field of an input-object argument. */
interface Slot {
  label: string;
  arg: GraphQLArgument;
  inputField?: string;
  type: GraphQLInputType;
}

function slotsOf(field: GraphQLField<unknown, unknown>): Slot[] {
  const slots: Slot[] = [];
  for (const arg of field.args) {
    const named = getNamedType(arg.type);
    if (isInputObjectType(named)) {
      for (const inputField of Object.values(named.getFields())) {
        slots.push({ label: `${field.name}(${arg.name}.${inputField.name})`, arg, inputField: inputField.name, type: inputField.type });
      }
    } else slots.push({ label: `${field.name}(${arg.name})`, arg, type: arg.type });
  }
  return slots;
}

/**
 * Date arguments whose range with the other end is bounded: an edge date with the other end
 * valid spans centuries, so it is refused (the range's own edges are tested with the query).
 */
const BOUNDED_RANGE_DATES = new Set(["snapshotStats(from)", "snapshotStats(to)"]);

/** What to try in one slot, by its type and name. */
function hostileValuesFor(slot: Slot): { name: string; value: unknown; expect: GraphQLCase["expect"] }[] {
  const named = getNamedType(slot.type);
  const slotName = slot.inputField ?? slot.arg.name;
  const refused = (values: Record<string, unknown>) => Object.entries(values).map(([name, value]) => ({ name, value, expect: "refused" as const }));
  if (isListType(slot.type) || !isScalarType(named)) return [];
  if (named.name === "DateTime") {
    const edges = Object.entries(EDGE_DATES).map(([name, value]) => ({ name, value, expect: "answered" as const }));
    return [...refused(BAD_DATES), ...(BOUNDED_RANGE_DATES.has(slot.label) ? refused(EDGE_DATES) : edges)];
  }
  if (named.name === "Int") {
    const bounds = INT_BOUNDS[slotName];
    if (!bounds) throw new Error(`the corpus knows no bounds for ${slot.label}`);
    return refused(intsPast(bounds));
  }
  if (slotName === "after") return refused({ ...BAD_CURSORS, ...HOSTILE_STRINGS });
  if (named.name === "String" || named.name === "ID") return refused(HOSTILE_STRINGS);
  return [];
}

function typeText(type: GraphQLInputType): string {
  return type.toString();
}

/** A document calling one field with every argument as a variable of the argument's own type. */
function documentFor(kind: "query" | "mutation", field: GraphQLField<unknown, unknown>): string {
  const variables = field.args.map((a) => `$${a.name}: ${typeText(a.type)}`).join(", ");
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(", ");
  const selection = isObjectType(getNamedType(field.type)) ? " { __typename }" : "";
  return `${kind} Corpus${variables ? `(${variables})` : ""} { ${field.name}${args ? `(${args})` : ""}${selection} }`;
}

/**
 * For every string, ID, Int and DateTime argument (and input field) of every query and mutation
 * in schema/schema.graphql, one request per hostile value, all other arguments valid.
 */
export function graphqlCases(seed: Seed): GraphQLCase[] {
  const cases: GraphQLCase[] = [];
  for (const kind of ["query", "mutation"] as const) {
    const root = kind === "query" ? SCHEMA.getQueryType()! : SCHEMA.getMutationType()!;
    for (const field of Object.values(root.getFields())) {
      const query = documentFor(kind, field);
      for (const slot of slotsOf(field)) {
        for (const hostile of hostileValuesFor(slot)) {
          const variables: Record<string, unknown> = {};
          for (const arg of field.args) {
            if (isNonNullType(arg.type) || (arg === slot.arg && slot.inputField)) variables[arg.name] = validValue(arg.name, arg.type, seed);
          }
          if (slot.inputField) (variables[slot.arg.name] as Record<string, unknown>)[slot.inputField] = hostile.value;
          else variables[slot.arg.name] = hostile.value;
          // A mutation given only valid values would change data: edge values are tried on queries only.
          if (hostile.expect === "answered" && kind === "mutation") continue;
          cases.push({ name: `${kind} ${slot.label} = ${hostile.name}`, query, variables, expect: hostile.expect });
        }
      }
    }
  }
  return cases;
}

/** Int arguments at each end of their range: queries answer them. */
export function intEdgeCases(): GraphQLCase[] {
  const [min, max] = INT_BOUNDS.first!;
  return ["domainGroups", "snapshotTemplates", "liveStreams", "snapshotConfigs"].flatMap((list) =>
    [min, max].map((first) => ({
      name: `query ${list}(first) = ${first}`,
      query: `query Corpus($first: Int) { ${list}(first: $first) { edges { cursor } pageInfo { hasNextPage } } }`,
      variables: { first },
      expect: "answered" as const,
    })),
  );
}
