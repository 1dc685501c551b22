// Approximate minimum degree on a quotient graph (Amestoy, Davis & Duff, SIAM J. Matrix Anal. Appl.
// 17(4), 1996; also Davis, "Direct Methods for Sparse Linear Systems", SIAM 2006, ch. 7).
//
// The graph holds variables (not yet eliminated) and elements (eliminated pivots, each standing for
// the clique its elimination created). A variable's list is [its elements..., its variable
// neighbours...]; an element's list is its variables. Eliminating the pivot k turns k into an
// element Lk = union of its elements' lists and its own variable list; those elements are absorbed
// into k. Degrees are not computed exactly but bounded from above with |Le \ Lk| (AMD's
// approximate degree). Supervariables (indistinguishable variables, found by hashing) are merged
// and eliminated together; a variable whose only remaining neighbour is Lk is eliminated with k
// (mass elimination); elements whose variables all lie in Lk are absorbed (aggressive absorption).
// Variables of very large degree ("dense") are set aside and ordered last.
//
// Pure integer code over typed arrays: this is a graph algorithm with short irregular loops and no
// floating point, where V8's optimised typed-array code is within a small factor of C; it runs in
// the facade so that it can grow its workspace (a kernel cannot allocate).

/** Encodes "absorbed into x" in pe[] (always < -1, so -1 stays free for "no list"). */
const flip = (x: number): number => -x - 2;

/** The initial quotient graph, laid out in one array `iw` (lists of all nodes, then free space). */
export interface QuotientGraph {
  /** variables 0..nVars-1 (the nodes to order) */
  nVars: number;
  /** initial elements nVars..nVars+nElems-1 (e.g. the rows of A when ordering A^T A) */
  nElems: number;
  /** pe[x]: start of x's list in iw; -1 for no list */
  pe: Int32Array;
  /** len[x]: length of x's list */
  len: Int32Array;
  /** elen[x]: for a variable, how many entries at the front of its list are elements */
  elen: Int32Array;
  /** variables: an upper bound on the initial degree; elements: |Le| */
  degree: Int32Array;
  iw: Int32Array;
  /** first free position of iw */
  used: number;
}

export interface AmdCoreOptions {
  /** a variable whose initial degree exceeds this is dense: ordered last */
  denseDegree: number;
  aggressive: boolean;
}

export interface AmdCoreResult {
  /** perm[k] = the variable eliminated k-th */
  perm: Int32Array;
  /** variables set aside as dense (ordered last) */
  dense: number;
  /** garbage collections of iw (diagnostic) */
  compactions: number;
}

/** Orders the variables of `g` (destroys g's arrays). */
export function amdQuotientGraph(g: QuotientGraph, opts: AmdCoreOptions): AmdCoreResult {
  const n = g.nVars, nNodes = g.nVars + g.nElems;
  const { pe, len, elen, degree } = g;
  let iw = g.iw, pfree = g.used, compactions = 0;
  const perm = new Int32Array(n);
  if (n === 0) return { perm, dense: 0, compactions };

  const nv = new Int32Array(nNodes); // variable: supervariable size (0 = not principal), negative while in Lk
  const w = new Int32Array(nNodes); // element: 0 = dead, else marks; variable: marks
  const head = new Int32Array(n + 1).fill(-1); // degree lists
  const next = new Int32Array(nNodes).fill(-1);
  const last = new Int32Array(nNodes).fill(-1);
  const hhead = new Int32Array(n).fill(-1); // hash buckets
  const svNext = new Int32Array(n).fill(-1); // members of a supervariable, as a linked list
  const svTail = new Int32Array(n);
  let nOut = 0; // variables written to perm
  const emit = (i: number): void => {
    for (let j = i; j !== -1; j = svNext[j]) perm[nOut++] = j;
  };

  let lemax = 0; // the largest |Le| so far: marks stay below mark + lemax
  for (let e = n; e < nNodes; e++) {
    w[e] = 1;
    if (degree[e] > lemax) lemax = degree[e];
    if (len[e] === 0) { w[e] = 0; pe[e] = -1; }
  }

  // variables: empty ones are eliminated at once (ordered first), dense ones set aside (ordered last)
  let nel = 0, nDense = 0, mindeg = n;
  const denseList: number[] = [];
  for (let i = 0; i < n; i++) {
    nv[i] = 1;
    w[i] = 1;
    svTail[i] = i;
    let d = degree[i];
    if (d > n - 1) d = degree[i] = n - 1;
    if (len[i] === 0) {
      nel++;
      nv[i] = 0;
      elen[i] = -1;
      pe[i] = -1;
      perm[nOut++] = i;
    } else if (d > opts.denseDegree) {
      nel++;
      nDense++;
      nv[i] = 0; // skipped wherever it appears
      elen[i] = -1;
      pe[i] = -1;
      denseList.push(i);
    } else {
      const h = head[d];
      if (h !== -1) last[h] = i;
      next[i] = h;
      head[d] = i;
      if (d < mindeg) mindeg = d;
    }
  }

  let mark = 2;
  const clearMarks = (): void => {
    for (let x = 0; x < nNodes; x++) if (w[x] !== 0) w[x] = 1;
    mark = 2;
  };

  // Moves every live list to the front of iw (in place, in storage order). A live list's first
  // entry is replaced by flip(owner) to find it while scanning; the entry is kept in pe meanwhile.
  const compact = (): void => {
    compactions++;
    for (let x = 0; x < nNodes; x++) {
      const p = pe[x];
      if (p < 0) continue;
      if (len[x] === 0) { pe[x] = -1; continue; }
      pe[x] = iw[p];
      iw[p] = flip(x);
    }
    let dst = 0;
    for (let q = 0; q < pfree;) {
      const v = iw[q];
      if (v >= 0) { q++; continue; }
      const x = flip(v), ln = len[x];
      iw[dst] = pe[x];
      pe[x] = dst;
      for (let t = 1; t < ln; t++) iw[dst + t] = iw[q + t];
      dst += ln;
      q += ln;
    }
    pfree = dst;
  };

  while (nel < n) {
    // ---- the pivot: a variable of least (approximate) degree
    let k = -1;
    for (; mindeg <= n; mindeg++) if ((k = head[mindeg]) !== -1) break;
    const nk = next[k];
    if (nk !== -1) last[nk] = -1;
    head[mindeg] = nk;
    const elenk = elen[k];
    let nvk = nv[k];
    nel += nvk;
    emit(k);

    // ---- room for Lk (only when it is built at the end of iw)
    if (elenk > 0) {
      let need = len[k] - elenk;
      for (let p = pe[k], pe2 = pe[k] + elenk; p < pe2; p++) need += len[iw[p]];
      if (pfree + need > iw.length) {
        compact();
        if (pfree + need > iw.length) {
          const bigger = new Int32Array(Math.max(pfree + need, Math.floor(iw.length * 1.5)));
          bigger.set(iw.subarray(0, pfree));
          iw = bigger;
        }
      }
    }

    // ---- Lk = (union of k's elements' lists) + k's variables; k's elements are absorbed into k
    nv[k] = -nvk;
    let degme = 0;
    let p = pe[k];
    const pk1 = elenk === 0 ? p : pfree; // without elements, Lk is built in place over k's list
    let pk2 = pk1;
    for (let t = 1; t <= elenk + 1; t++) {
      let e: number, pj: number, ln: number;
      if (t > elenk) { e = k; pj = p; ln = len[k] - elenk; } else { e = iw[p++]; pj = pe[e]; ln = len[e]; }
      for (let q = 0; q < ln; q++) {
        const i = iw[pj++];
        const nvi = nv[i];
        if (nvi <= 0) continue; // dead, dense, or already in Lk
        degme += nvi;
        nv[i] = -nvi;
        iw[pk2++] = i;
        const ni = next[i], li = last[i];
        if (ni !== -1) last[ni] = li;
        if (li !== -1) next[li] = ni; else head[degree[i]] = ni;
      }
      if (e !== k) { pe[e] = flip(k); w[e] = 0; }
    }
    if (elenk !== 0) pfree = pk2;
    degree[k] = degme;
    pe[k] = pk1;
    len[k] = pk2 - pk1;
    elen[k] = -2; // an element now
    if (degme > lemax) lemax = degme;

    // ---- w[e] - wflg = |Le \ Lk| for every element e adjacent to Lk
    if (mark + 2 * lemax + 4 >= 0x3fffffff) clearMarks();
    const wflg = mark;
    for (let pk = pk1; pk < pk2; pk++) {
      const i = iw[pk];
      const eln = elen[i];
      if (eln <= 0) continue;
      const nvi = -nv[i];
      const wnvi = wflg - nvi;
      for (let q = pe[i], qe = pe[i] + eln; q < qe; q++) {
        const e = iw[q];
        const we = w[e];
        if (we >= wflg) w[e] = we - nvi;
        else if (we !== 0) w[e] = degree[e] + wnvi;
      }
    }

    // ---- approximate degrees of Lk's variables; prune their lists; mass elimination; hashing
    for (let pk = pk1; pk < pk2; pk++) {
      const i = iw[pk];
      const p1 = pe[i], p2 = p1 + elen[i];
      let pn = p1, h = 0, d = 0;
      for (let q = p1; q < p2; q++) {
        const e = iw[q];
        if (w[e] === 0) continue; // absorbed
        const dext = w[e] - wflg;
        if (dext > 0) {
          d += dext;
          iw[pn++] = e;
          h += e;
        } else if (opts.aggressive) {
          pe[e] = flip(k); // Le is inside Lk
          w[e] = 0;
        } else {
          iw[pn++] = e;
          h += e;
        }
      }
      elen[i] = pn - p1 + 1; // + element k, stored first below
      const p3 = pn, p4 = p1 + len[i];
      for (let q = p2; q < p4; q++) {
        const j = iw[q];
        const nvj = nv[j];
        if (nvj <= 0) continue; // dead, or in Lk (covered by element k)
        d += nvj;
        iw[pn++] = j;
        h += j;
      }
      if (elen[i] === 1 && p3 === pn) {
        // i's only neighbour is element k: eliminate it with k
        pe[i] = flip(k);
        const nvi = -nv[i];
        degme -= nvi;
        nvk += nvi;
        nel += nvi;
        nv[i] = 0;
        elen[i] = -1;
        emit(i);
      } else {
        if (d < degree[i]) degree[i] = d;
        iw[pn] = iw[p3]; // k goes first: move the first variable to the end, the first element to p3
        iw[p3] = iw[p1];
        iw[p1] = k;
        len[i] = pn - p1 + 1;
        const hb = h % n;
        next[i] = hhead[hb];
        hhead[hb] = i;
        last[i] = hb;
      }
    }
    degree[k] = degme;
    if (degme > lemax) lemax = degme;
    mark = wflg + lemax + 1;

    // ---- supervariables: variables of Lk with identical lists (same hash bucket) are merged
    for (let pk = pk1; pk < pk2; pk++) {
      let i = iw[pk];
      if (nv[i] >= 0) continue; // merged or mass-eliminated already
      const hb = last[i];
      i = hhead[hb];
      hhead[hb] = -1;
      for (; i !== -1 && next[i] !== -1; i = next[i], mark++) {
        const ln = len[i], eln = elen[i];
        const pi = pe[i];
        for (let q = pi + 1; q < pi + ln; q++) w[iw[q]] = mark;
        let jlast = i;
        for (let j = next[i]; j !== -1;) {
          let same = len[j] === ln && elen[j] === eln;
          const pj = pe[j];
          for (let q = pj + 1; same && q < pj + ln; q++) if (w[iw[q]] !== mark) same = false;
          if (same) {
            pe[j] = flip(i);
            nv[i] += nv[j]; // both negative while in Lk
            nv[j] = 0;
            elen[j] = -1;
            svNext[svTail[i]] = j;
            svTail[i] = svTail[j];
            j = next[j];
            next[jlast] = j;
          } else {
            jlast = j;
            j = next[j];
          }
        }
      }
    }

    // ---- final degrees; Lk's variables back into the degree lists; Lk compacted
    let pw = pk1;
    for (let pk = pk1; pk < pk2; pk++) {
      const i = iw[pk];
      const nvi = -nv[i];
      if (nvi <= 0) continue;
      nv[i] = nvi;
      let d = degree[i] + degme - nvi;
      const bound = n - nel - nvi;
      if (d > bound) d = bound;
      const h = head[d];
      if (h !== -1) last[h] = i;
      next[i] = h;
      last[i] = -1;
      head[d] = i;
      if (d < mindeg) mindeg = d;
      degree[i] = d;
      iw[pw++] = i;
    }
    nv[k] = nvk;
    len[k] = pw - pk1;
    if (len[k] === 0) { pe[k] = -1; w[k] = 0; }
    if (elenk !== 0) pfree = pw;
  }
  for (const i of denseList) perm[nOut++] = i;
  if (nOut !== n) throw new Error(`amd: internal error, ordered ${nOut} of ${n} variables`);
  return { perm, dense: nDense, compactions };
}
