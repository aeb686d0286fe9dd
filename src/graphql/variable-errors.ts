/**
 * graphql-js refuses a variable whose value does not fit its type (an Int past 32 bits, a
 * DateTime the scalar cannot read, a required one left out) with a message but no code. The
 * message names the variable and, inside an input object, the path to the wrong field
 * ("input.width"), which is what `extensions.field` holds for every other bad input.
 */
const VARIABLE_REFUSAL = /^Variable "\$([_A-Za-z][_0-9A-Za-z]*)" (?:got invalid value|of required type|of non-null type)/;
const PATH_IN_VALUE = /^Variable "\$[_A-Za-z][_0-9A-Za-z]*" got invalid value [\s\S]*? at "([^"]+)"; /;

/** The field a variable-refusal message is about; null when the message is no such refusal. */
export function fieldOfVariableRefusal(message: string): string | null {
  const variable = VARIABLE_REFUSAL.exec(message);
  if (!variable) return null;
  return PATH_IN_VALUE.exec(message)?.[1] ?? variable[1]!;
}
