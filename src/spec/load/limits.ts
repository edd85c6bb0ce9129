/** A spec is a description, not a data set: refuse anything larger before parsing it. */
export const MAX_SPEC_BYTES = 5 * 1024 * 1024;
/** YAML aliases beyond this are an "exponential entity" attack, not a topology. */
export const MAX_YAML_ALIASES = 100;
/**
 * Containers nested deeper than this are refused, in JSON and YAML alike: a topology has fewer than
 * ten levels, and recursive code (a YAML parser, a deep walk) overflows the stack a few hundred further.
 */
export const MAX_SPEC_NESTING = 100;
