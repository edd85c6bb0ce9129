/**
 * The components whose resources a compile makes (`diff` compiles only those an edit can change,
 * issue #15). A scoped plan still holds every shared resource (component "") and every resource
 * of a whole-topology type (compilePlan).
 */
export type ComponentScope = (component: string) => boolean;

/** Every component: the whole plan. */
export const EVERY_COMPONENT: ComponentScope = () => true;
