import { describe, expect, it } from "vitest";
import { fieldOfVariableRefusal } from "../src/graphql/variable-errors";

describe("variable refusals", () => {
  it.each([
    ['Variable "$first" got invalid value 2147483648; Int cannot represent non 32-bit signed integer value: 2147483648', "first"],
    ['Variable "$input" got invalid value 2147483648 at "input.height"; Int cannot represent non 32-bit signed integer value: 2147483648', "input.height"],
    ['Variable "$from" got invalid value "a; b at \\"x\\""; DateTime cannot represent an invalid date-time-string a; b.', "from"],
    ['Variable "$input" got invalid value { name: "x" }; Field "format" of required type "SnapshotFormat!" was not provided.', "input"],
    ['Variable "$domain" of required type "String!" was not provided.', "domain"],
    ['Variable "$id" of non-null type "ID!" must not be null.', "id"],
  ])("%s names %s", (message, field) => {
    expect(fieldOfVariableRefusal(message)).toBe(field);
  });

  it("leaves other messages alone", () => {
    expect(fieldOfVariableRefusal('Cannot query field "nope" on type "Query".')).toBeNull();
    expect(fieldOfVariableRefusal('Unknown type "Nope".')).toBeNull();
  });
});
