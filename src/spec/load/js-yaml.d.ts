/** The part of js-yaml 4 (no bundled types) the spec loader uses. */
declare module "js-yaml" {
  export interface Schema {
    extend(types: { implicit?: readonly Type[]; explicit?: readonly Type[] }): Schema;
  }
  export class Type {
    constructor(
      tag: string,
      options: {
        kind: "scalar" | "sequence" | "mapping";
        resolve?: (data: string | null) => boolean;
        construct?: (data: string) => unknown;
      },
    );
  }
  export const FAILSAFE_SCHEMA: Schema;
  export const types: { readonly null: Type; readonly bool: Type };
  export function load(
    text: string,
    options?: {
      schema?: Schema;
      filename?: string;
      // biome-ignore lint/suspicious/noExplicitAny: the loader's internal state, typed where it is read
      listener?: (event: "open" | "close", state: any) => void;
    },
  ): unknown;
  const jsyaml: {
    load: typeof load;
    FAILSAFE_SCHEMA: Schema;
    types: typeof types;
    Type: typeof Type;
  };
  export default jsyaml;
}
