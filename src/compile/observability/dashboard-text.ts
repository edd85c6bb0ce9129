/**
 * A region's dashboard text, `JSON.stringify(buildDashboard(…), null, 2)` plus a line break,
 * assembled from pieces made once per component (issue #15). The builder lays each component's
 * row and panels out below the previous component's, so a component's panels serialise the same
 * in every dashboard that holds it but for their `gridPos.y`, shifted by the heights of the
 * components above. Each component's pieces are made once per compilation (not once per region,
 * and again per part; once per region only where its indicators may differ by region,
 * `regionalIndicators`: a CloudNativePG replica region records no error ratio), from the panels of
 * its row shape (`rowShape`), built and serialised once for every component of that shape with
 * the name put in, and a
 * dashboard's size is a sum of known piece sizes: which regions to split, and into how many parts,
 * is decided without making texts that would only be measured.
 * test/compile/observability/dashboard-text.test.ts holds text and size to the plain build, byte
 * for byte.
 */
import { DashboardBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import type { Model } from "../../model/types.js";
import { type DashboardIdentity, dashboardShell, type RowShape, rowShape, withRow } from "./dashboard.js";
import { regionalIndicators } from "./indicators.js";
import type { KubernetesComponent } from "./k8s.js";

/** One panel's text as it stands in `panels` (depth 2), cut where its `gridPos.y` goes. */
interface PanelPiece {
  readonly before: string;
  readonly after: string;
  /** Its y when the component's row is at y = 0. */
  readonly y: number;
}

/** A row shape's panels, its component named {@link NAME_MARK}. */
interface ShapePieces {
  readonly panels: readonly PanelPiece[];
  /** Escaped bytes of the panels' texts and their separators, but the y digits. */
  readonly bytes: number;
  /** How many times the mark stands in the panels' texts. */
  readonly marks: number;
  /** Grid units the component takes: the next component's row starts this far below its own. */
  readonly height: number;
  /** The shape as JSON: equal keys, equal pieces. */
  readonly key: string;
}

/**
 * A component's row: its shape's pieces and size with its name in. Its texts are made the first
 * time a dashboard text asks (sizing a dashboard needs none: `plan` and `diff` size every region's
 * and read few texts, issue #15).
 */
interface ComponentBlock {
  readonly shape: ShapePieces;
  readonly name: string;
  /** Escaped bytes of the panels' texts and their separators, but the y digits. */
  readonly bytes: number;
  panels?: readonly PanelPiece[];
}

interface GridPanel {
  readonly gridPos?: { y: number; readonly h: number };
}

/** Stand-ins serialised where the panels and each panel's y go, then cut out. */
const PANELS_MARK = "@@topoplan-dashboard-panels@@";
const Y_MARK = 987_654_321_123;
/** `JSON.stringify(…, null, 2)` indents `panels`' items by 4 and their lines by 4 more than alone. */
const ITEM_BREAK = "\n    ";
const OPEN = "[";
const SEPARATOR = ",";
const CLOSE = "\n  ]";
const END = "\n";

/**
 * Bytes of `text` escaped as the content of a JSON string, for text that `JSON.stringify` wrote:
 * there only `"`, `\` and line breaks need escaping (one byte more each); control characters and
 * lone surrogates were escaped already. Counting with indexOf is ~1.7× faster than escaping.
 */
export function jsonEscapedBytes(text: string): number {
  let bytes = Buffer.byteLength(text);
  for (const special of ['"', "\\", "\n"]) {
    for (let i = text.indexOf(special); i !== -1; i = text.indexOf(special, i + 1)) bytes++;
  }
  return bytes;
}

/** Escaped sizes of the fixed text around the pieces. */
const ESCAPED = {
  fixed: jsonEscapedBytes(OPEN) + jsonEscapedBytes(CLOSE) + jsonEscapedBytes(END),
  item: jsonEscapedBytes(ITEM_BREAK),
  separator: jsonEscapedBytes(SEPARATOR),
};

const digits = (n: number) => String(n).length;

function cut(text: string, mark: string, what: string): [string, string] {
  const parts = text.split(mark);
  if (parts.length !== 2) throw new Error(`${what}: the mark ${mark} is not there once (compiler bug)`);
  return [parts[0]!, parts[1]!];
}

/** `panel` (a scratch builder's, changed here) as it stands in `panels`, its y counted from `top`. */
function panelPiece(panel: GridPanel, top: number): PanelPiece {
  const gridPos = panel.gridPos;
  if (gridPos === undefined) throw new Error("a dashboard panel without gridPos (compiler bug)");
  const y = gridPos.y - top;
  gridPos.y = Y_MARK;
  const text = JSON.stringify(panel, null, 2).replaceAll("\n", ITEM_BREAK);
  const [before, after] = cut(text, String(Y_MARK), "dashboard panel");
  return { before, after, y };
}

/** Dashboards of one compilation: each component's pieces are made the first time it is asked for. */
export class DashboardTexts {
  /** Per component, its pieces by region; under "" for all regions when its indicators are not regional. */
  private readonly blocks = new Map<KubernetesComponent, Map<string, ComponentBlock>>();
  /** Per row shape (JSON), its pieces with {@link NAME_MARK} for the name. */
  private readonly shapes = new Map<string, ShapePieces>();
  private readonly scratch = new DashboardBuilder("");

  constructor(private readonly model: Model) {}

  /** `Buffer.byteLength(JSON.stringify(text))` of the dashboard's text, without making the text. */
  escapedBytes(
    components: readonly KubernetesComponent[],
    region: string,
    identity?: DashboardIdentity,
  ): number {
    if (components.length === 0) return jsonEscapedBytes(this.plain(identity)) + 2;
    const [before, after] = this.shell(identity);
    let bytes = 2 + jsonEscapedBytes(before) + jsonEscapedBytes(after) + ESCAPED.fixed;
    let offset = 0;
    let panels = 0;
    for (const component of components) {
      const { shape, bytes: own } = this.block(component, region);
      bytes += own;
      for (const panel of shape.panels) bytes += digits(panel.y + offset);
      panels += shape.panels.length;
      offset += shape.height;
    }
    return bytes + (panels - 1) * ESCAPED.separator;
  }

  /** The dashboard's text, byte for byte `JSON.stringify(buildDashboard(…), null, 2)` and a line break. */
  text(components: readonly KubernetesComponent[], region: string, identity?: DashboardIdentity): string {
    if (components.length === 0) return this.plain(identity);
    const [before, after] = this.shell(identity);
    const out = [before, OPEN];
    let offset = 0;
    let first = true;
    for (const component of components) {
      const block = this.block(component, region);
      block.panels ??= namedPanels(block);
      for (const panel of block.panels) {
        out.push(
          first ? ITEM_BREAK : SEPARATOR + ITEM_BREAK,
          panel.before,
          String(panel.y + offset),
          panel.after,
        );
        first = false;
      }
      offset += block.shape.height;
    }
    out.push(CLOSE, after, END);
    return out.join("");
  }

  /**
   * A text equal for two dashboards only if their texts are ({@link text}), made without the
   * texts: the shell and each component's row shape and name, a line each (none holds a line
   * break: JSON without indentation, DNS labels). `diff` compares these (issue #15).
   */
  key(components: readonly KubernetesComponent[], region: string, identity?: DashboardIdentity): string {
    if (components.length === 0) return this.plain(identity);
    const lines = [JSON.stringify(this.shell(identity))];
    for (const component of components) {
      const { shape, name } = this.block(component, region);
      lines.push(shape.key, name);
    }
    return lines.join("\n");
  }

  /** Without components the builder adds no `panels` at all. */
  private plain(identity?: DashboardIdentity): string {
    return `${JSON.stringify(dashboardShell(this.model, identity).build(), null, 2)}${END}`;
  }

  /** The text before and after the panels: the first row adds `panels` after the shell's keys. */
  private shell(identity?: DashboardIdentity): [string, string] {
    const shell = { ...dashboardShell(this.model, identity).build(), panels: PANELS_MARK };
    return cut(JSON.stringify(shell, null, 2), JSON.stringify(PANELS_MARK), "dashboard");
  }

  private block(component: KubernetesComponent, region: string): ComponentBlock {
    const key = regionalIndicators(component) ? region : "";
    let byRegion = this.blocks.get(component);
    if (byRegion === undefined) {
      byRegion = new Map();
      this.blocks.set(component, byRegion);
    }
    let block = byRegion.get(key);
    if (block === undefined) {
      block = named(this.shaped(rowShape(component, region)), component.name);
      byRegion.set(key, block);
    }
    return block;
  }

  /** The pieces of a row of `shape`, made once per shape, its component named {@link NAME_MARK}. */
  private shaped(shape: RowShape): ShapePieces {
    const key = JSON.stringify(shape);
    let pieces = this.shapes.get(key);
    if (pieces === undefined) {
      // Components are laid out one below the other on one scratch builder; the panels it built are
      // taken out of its dashboard (build() returns the builder's own object), so it holds none.
      const built = (withRow(this.scratch, shape, NAME_MARK).build().panels ?? []).splice(0) as GridPanel[];
      const top = built[0]?.gridPos?.y ?? 0;
      // Rows and panels of one component are placed line by line from its row: the next row goes
      // below the lowest of them.
      let bottom = top;
      for (const panel of built) bottom = Math.max(bottom, (panel.gridPos?.y ?? 0) + (panel.gridPos?.h ?? 0));
      const panels = built.map((panel) => panelPiece(panel, top));
      let bytes = 0;
      let marks = 0;
      for (const { before, after } of panels) {
        bytes += ESCAPED.item + jsonEscapedBytes(before) + jsonEscapedBytes(after);
        marks += before.split(NAME_MARK).length + after.split(NAME_MARK).length - 2;
      }
      pieces = { panels, bytes, marks, height: bottom - top, key };
      this.shapes.set(key, pieces);
    }
    return pieces;
  }
}

/**
 * Where a component's name goes in its shape's pieces. Names are DNS labels: neither they nor the
 * mark need escaping in JSON, and no name holds the mark's `@`.
 */
const NAME_MARK = "@@topoplan-component@@";

/**
 * A component's row of `shape`. Names are DNS labels, as the mark is: neither needs escaping, so
 * the name changes the size by its length over the mark's, once per mark.
 */
function named(shape: ShapePieces, name: string): ComponentBlock {
  return { shape, name, bytes: shape.bytes + shape.marks * (name.length - NAME_MARK.length) };
}

/** The shape's panels with the component's name in. */
function namedPanels({ shape, name }: ComponentBlock): PanelPiece[] {
  return shape.panels.map(({ before, after, y }) => ({
    before: before.split(NAME_MARK).join(name),
    after: after.split(NAME_MARK).join(name),
    y,
  }));
}
