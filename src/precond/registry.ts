// The built-in preconditioners as data: one descriptor a name (how to build it, what M is, which
// matrices it suits), so the factory, the automatic choice and the CLI ask one table instead of
// each keeping its own switch. Adding a preconditioner is one descriptor here.
import { InvalidArgumentError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { matrixProperties, type MatrixProperties } from '../matrix/properties.js';
import type { OptionSpec } from '../options.js';
import { CHEBYSHEV_OPTIONS, ChebyshevPreconditioner } from './chebyshev.js';
import { Ic0Preconditioner } from './ic0.js';
import { Ilu0Preconditioner } from './ilu0.js';
import { ILUT_OPTIONS, IlutPreconditioner } from './ilut.js';
import { JACOBI_OPTIONS, JacobiPreconditioner } from './jacobi.js';
import { MatchedPreconditioner } from './matched.js';
import { DirectPreconditioner } from './direct.js';
import { SSOR_OPTIONS, SsorPreconditioner } from './ssor.js';
import { PIVOT_OPTION } from './triangular.js';
import type { Preconditioner, PreconditionerName, PreconditionerOptions } from './types.js';

/** The facts of a matrix the registry's questions depend on (see matrixFacts). */
export interface MatrixFacts {
  /** A equals A^T exactly */
  symmetric: boolean;
  /** every diagonal entry > 0; every one nonzero (of either sign); some zero or not stored */
  diagonal: 'positive' | 'nonzero' | 'zero';
}

/**
 * When M has a property: 'always' (for every matrix it builds on, as requested, or the build
 * throws), 'if-matrix' (when A has it: symmetric; SPD), 'never' (not in general: M may happen to
 * have it). MatrixFacts only approximate "A is SPD" by "symmetric with a positive diagonal", so
 * the built object's `symmetric` is the final word (the session checks it).
 */
export type Guarantee = 'always' | 'if-matrix' | 'never';

/** What the caller needs of M. */
export interface PreconditionerRequest {
  /** M must be symmetric positive definite (CG, MINRES): Jacobi then uses |diag(A)| */
  spd?: boolean;
}

export interface PreconditionerDescriptor {
  readonly name: Exclude<PreconditionerName, 'none'>;
  /** preference when several answer a query: lower first (IC(0) 1 ... Jacobi last) */
  readonly rank: number;
  /** one line for help texts */
  readonly summary: string;
  /** the PreconditionerOptions it reads, with their checks (checkOptions specs, the class's own) */
  readonly options: Readonly<Partial<Record<keyof PreconditionerOptions, OptionSpec>>>;
  /** M symmetric positive definite (built with request.spd when it asks for it) */
  readonly spd: Guarantee;
  /** M = M^T */
  readonly symmetric: Guarantee;
  /** the matrices it is meant for (one it does not suit may still work, or throw on a bad pivot) */
  suits(facts: MatrixFacts): boolean;
  /** analysis and numeric setup for A */
  build(A: CsrMatrix, options: PreconditionerOptions, request: PreconditionerRequest): Preconditioner;
}

const spdLike = (f: MatrixFacts) => f.symmetric && f.diagonal === 'positive';

/** The `frozen` option of the direct factorizations (DirectPreconditioner). */
const FROZEN_OPTION = { kind: 'boolean', default: false } as const;

/** The `matching` option of ILU(0) and ILUT: factor P Dr A Dc after an MC64-style weighted matching. */
const MATCHING_OPTION = { kind: 'boolean', default: false } as const;

/** build(A), or build of the matched and scaled A when `matching` is asked for. */
function maybeMatched(A: CsrMatrix, matching: boolean | undefined, build: (B: CsrMatrix) => Preconditioner): Preconditioner {
  return matching ? new MatchedPreconditioner(A, build) : build(A);
}

/** In the order names are listed to users; `rank` orders the answers to a query. */
const REGISTRY: readonly PreconditionerDescriptor[] = [
  {
    name: 'jacobi',
    rank: 6,
    summary: 'diagonal scaling by diag(A) (|diag(A)| when an SPD preconditioner is asked for)',
    options: { pivot: JACOBI_OPTIONS.pivot },
    spd: 'always',
    symmetric: 'always',
    suits: (f) => f.diagonal !== 'zero',
    build: (A, o, request) => new JacobiPreconditioner(A, { pivot: o.pivot, absolute: request.spd === true }),
  },
  {
    name: 'ssor',
    rank: 4,
    summary: 'symmetric successive over-relaxation (omega) over A itself',
    options: SSOR_OPTIONS,
    spd: 'if-matrix',
    symmetric: 'if-matrix',
    suits: (f) => f.diagonal !== 'zero',
    build: (A, o) => new SsorPreconditioner(A, { omega: o.omega, pivot: o.pivot }),
  },
  {
    name: 'ic0',
    rank: 1,
    summary: 'incomplete Cholesky on the lower triangle of A, diagonally shifted if it breaks down (SPD A)',
    options: { pivot: PIVOT_OPTION },
    spd: 'always',
    symmetric: 'always',
    suits: spdLike,
    build: (A, o) => new Ic0Preconditioner(A, { pivot: o.pivot }),
  },
  {
    name: 'ilu0',
    rank: 2,
    summary: "incomplete LU on A's own pattern (general square A)",
    options: { pivot: PIVOT_OPTION, matching: MATCHING_OPTION },
    spd: 'never',
    symmetric: 'never',
    suits: () => true,
    build: (A, o) => maybeMatched(A, o.matching, (B) => new Ilu0Preconditioner(B, { pivot: o.pivot })),
  },
  {
    name: 'ilut',
    rank: 3,
    summary: 'incomplete LU with dual threshold dropping (dropTolerance, maxFill): more fill, stronger',
    options: { ...ILUT_OPTIONS, matching: MATCHING_OPTION },
    spd: 'never',
    symmetric: 'never',
    suits: () => true,
    build: (A, o) => maybeMatched(A, o.matching, (B) => new IlutPreconditioner(B, { dropTolerance: o.dropTolerance, maxFill: o.maxFill, pivot: o.pivot })),
  },
  {
    name: 'chebyshev',
    rank: 5,
    summary: 'Chebyshev polynomial in D^-1 A (degree, eigenSteps): only SpMV, bounds from Lanczos',
    options: CHEBYSHEV_OPTIONS,
    spd: 'if-matrix',
    symmetric: 'if-matrix',
    suits: spdLike,
    build: (A, o) => new ChebyshevPreconditioner(A, { degree: o.degree, eigenSteps: o.eigenSteps }),
  },
  {
    name: 'cholesky',
    rank: 7,
    summary: 'sparse Cholesky factorization of A (SPD A): M = A, or with frozen: true the factors of an earlier, nearby matrix',
    options: { frozen: FROZEN_OPTION },
    spd: 'always',
    symmetric: 'always',
    suits: spdLike,
    build: (A, o) => new DirectPreconditioner(A, 'cholesky', { frozen: o.frozen }),
  },
  {
    name: 'lu',
    rank: 8,
    summary: 'sparse LU factorization of A: M = A, or with frozen: true the factors of an earlier, nearby matrix',
    options: { frozen: FROZEN_OPTION },
    spd: 'never',
    symmetric: 'never',
    suits: () => true,
    build: (A, o) => new DirectPreconditioner(A, 'lu', { frozen: o.frozen }),
  },
];

/** The built-in preconditioners, in the order names are listed. */
export function preconditioners(): readonly PreconditionerDescriptor[] {
  return REGISTRY;
}

/** The names createPreconditioner accepts ('none' first). */
export function preconditionerNames(): PreconditionerName[] {
  return ['none', ...REGISTRY.map((d) => d.name)];
}

/** The descriptor of a name, or undefined ('none' and unknown names). */
export function preconditionerDescriptor(name: string): PreconditionerDescriptor | undefined {
  return REGISTRY.find((d) => d.name === name);
}

/** True when the descriptor guarantees an SPD M for a matrix with these facts (unknown facts: only 'always'). */
export function givesSpd(d: PreconditionerDescriptor, facts?: MatrixFacts): boolean {
  return d.spd === 'always' || (d.spd === 'if-matrix' && facts !== undefined && spdLike(facts));
}

/**
 * The preconditioners that answer a query, in order of preference: with `spd`, only those whose
 * M is SPD for this matrix (given `matrix`; without it, only those SPD for every matrix); with
 * `matrix`, only those that suit it. `findPreconditioners({ spd: true, matrix })[0]` is the
 * preferred SPD preconditioner (undefined: none fits, use no preconditioner).
 */
export function findPreconditioners(query: { spd?: boolean; matrix?: MatrixFacts } = {}): PreconditionerDescriptor[] {
  return REGISTRY
    .filter((d) => (!query.spd || givesSpd(d, query.matrix)) && (!query.matrix || d.suits(query.matrix)))
    .sort((a, b) => a.rank - b.rank);
}

/**
 * The preferred preconditioner for a query (see findPreconditioners), or 'none' when none fits:
 * e.g. `preferredPreconditioner({ spd: true, matrix: matrixFacts(A) })` for CG or MINRES.
 */
export function preferredPreconditioner(query: { spd?: boolean; matrix?: MatrixFacts } = {}): PreconditionerName {
  return findPreconditioners(query)[0]?.name ?? 'none';
}

/**
 * The facts of A that the registry's queries use (one pass over A, plus its transpose; pass
 * `properties` when matrixProperties(A) was computed already).
 */
export function matrixFacts(A: CsrMatrix, properties?: MatrixProperties): MatrixFacts {
  const p = properties ?? matrixProperties(A);
  let zero = p.missingDiagonal > 0;
  if (!zero && p.diagonalSign !== 'positive') for (const d of A.diagonal()) if (d === 0) { zero = true; break; }
  return {
    symmetric: p.numericallySymmetric,
    diagonal: zero ? 'zero' : p.diagonalSign === 'positive' ? 'positive' : 'nonzero',
  };
}

/** The descriptor of a name, or InvalidArgumentError listing the known names. */
export function requirePreconditioner(name: unknown): PreconditionerDescriptor {
  const d = typeof name === 'string' ? preconditionerDescriptor(name) : undefined;
  if (!d) throw new InvalidArgumentError(`unknown preconditioner "${String(name)}" (known: ${preconditionerNames().join(', ')})`);
  return d;
}
