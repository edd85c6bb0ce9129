export { EXTRA_FILES, type ExtraFiles, type RenderedFile } from "./extra-files.js";
export {
  type DeferredFile,
  deferRenderPlan,
  RENDER_MARKER,
  RenderConflictError,
  type RenderOptions,
  renderPlan,
  toYaml,
} from "./files.js";
export { RENDER_LAYOUT_NAMES, RENDER_LAYOUTS, type RenderLayout } from "./paths.js";
export { writeRender } from "./write.js";
export { emitYaml } from "./yaml.js";
