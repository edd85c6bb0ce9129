export { EXTRA_FILES, type ExtraFiles, type RenderedFile } from "./extra-files.js";
export { RENDER_MARKER, RenderConflictError, renderPlan, toYaml } from "./files.js";
export { RESOURCE_PATHS } from "./paths.js";
export { writeRender } from "./write.js";
export { emitYaml } from "./yaml.js";
