export { EXTRA_FILES, type ExtraFiles, type RenderedFile } from "./extra-files.js";
export {
  type DeferredFile,
  deferRenderPlan,
  RenderConflictError,
  type RenderOptions,
  renderPlan,
  toYaml,
} from "./files.js";
export { RENDER_LAYOUT_NAMES, RENDER_LAYOUTS, RENDER_MARKER, type RenderLayout } from "./paths.js";
export { writeRender } from "./write.js";
export { emitYaml } from "./yaml.js";
