import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Entry } from "./candidate.js";
import type { Objective } from "./objective.js";

/** A placement with the figures that decide between placements. */
export interface PlacementFigures {
  /** Region → a count of voters, or replicas by role (as the spec writes a placement entry). */
  readonly placement: Readonly<Record<string, Entry>>;
  /** Replicas of every role together. */
  readonly replicas: number;
  readonly leader: string;
  readonly costUsdPerMonth: number;
  /** Demand-weighted p99 over reads and writes (the latency objective). */
  readonly latencyMs: number;
  readonly writeP99Ms: number;
  readonly readP99Ms: number;
  /** Operations some origin cannot complete (their p99s leave those origins out): shown as "down". */
  readonly down?: readonly ("read" | "write")[];
  readonly availability: number;
  readonly survives: boolean;
}

export interface Alternative extends PlacementFigures {
  /** What it trades against the chosen placement, e.g. "+$41.20/month, −6.3 ms weighted p99". */
  readonly trade: string;
}

/**
 * A constraint that decides the answer: relaxing it gives a better placement, one that passes the
 * full check but for this constraint (src/solve/advice.ts).
 */
export interface Binding {
  readonly path: string;
  readonly target: number | string;
  readonly message: string;
  /** The better placement that relaxing it allows, and its figure for the constraint. */
  readonly without?: PlacementFigures;
}

/** The RTT floor of a latency objective from its hardest origin. */
export interface FloorReport {
  readonly path: string;
  readonly origin: string;
  readonly target: number;
  readonly floorMs: number;
  readonly via: string;
  readonly meetable: boolean;
  readonly message: string;
}

/**
 * The least change to one constraint that makes the problem feasible: its placement passes the full
 * check but for that constraint. Without `to`, relaxing it alone admits none (the message says why).
 */
export interface Relaxation {
  readonly path: string;
  readonly from: number | string;
  /** The value that first admits a placement (undefined: relaxing this alone never does). */
  readonly to?: number | string;
  readonly message: string;
  readonly placement?: PlacementFigures;
}

export interface DatastoreSolution {
  readonly name: string;
  readonly path: string;
  readonly objective: Objective;
  /** exact: every candidate that could meet the constraints was evaluated; heuristic: see `gap`. */
  readonly mode: "exact" | "heuristic";
  readonly autoPlaced: boolean;
  /** A single leader takes the writes (consensus, primary-replica): placements name it. */
  readonly leaderBased: boolean;
  readonly current: PlacementFigures & { readonly problems: readonly string[] };
  readonly chosen?: PlacementFigures;
  readonly alternatives: readonly Alternative[];
  readonly binding: readonly Binding[];
  readonly floors: readonly FloorReport[];
  readonly infeasible?: {
    readonly message: string;
    readonly relaxations: readonly Relaxation[];
    /** Errors every placement checked has, and how many were checked. */
    readonly failingInEvery?: { readonly checked: number; readonly findings: readonly Diagnostic[] };
  };
  /**
   * Set when no placement checked clears every finding in its reach: its callers' error findings,
   * as the chosen placement leaves them, whose rule fails at the same path with the current
   * placement too (a caller running where the data may not go, an SLO a slower dependency
   * decides). The chosen placement adds no failure.
   */
  readonly standing?: readonly Diagnostic[];
  /** Error findings outside this datastore's reach (other components), present whatever it does. */
  readonly elsewhere: readonly Diagnostic[];
  readonly stats: {
    readonly candidateRegions: number;
    readonly placements: number;
    readonly candidates: number;
    readonly evaluated: number;
    readonly fullChecks: number;
    readonly gap?: { readonly lowerBound: number; readonly found: number; readonly ratio: number };
  };
}

export interface SolveReport {
  readonly topology: string;
  readonly objective: Objective;
  readonly datastores: readonly DatastoreSolution[];
}
