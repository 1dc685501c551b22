// Eigen 3 SimplicialLLT with its AMD ordering on the 2D 5-point / 3D 7-point Poisson matrices:
// the reference of bench/direct/cholesky.mjs. Single-threaded. Prints one JSON line.
// Usage: eigen_cholesky 2d|3d k
// Build: g++ -O3 -march=native -DNDEBUG -I/usr/include/eigen3 -o eigen_cholesky eigen_cholesky.cpp
#include <Eigen/Sparse>
#include <Eigen/SparseCholesky>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

static double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int main(int argc, char** argv) {
  if (argc < 3) { std::fprintf(stderr, "usage: eigen_cholesky 2d|3d k\n"); return 2; }
  const bool three = std::strcmp(argv[1], "3d") == 0;
  const int k = std::atoi(argv[2]);
  const int n = three ? k * k * k : k * k;
  // the same matrices as bench/direct/cholesky.mjs: 4 (2D) or 6 (3D) on the diagonal, -1 to each
  // grid neighbour, lexicographic numbering
  std::vector<Eigen::Triplet<double, int>> t;
  t.reserve((size_t)n * (three ? 7 : 5));
  for (int z = 0; z < (three ? k : 1); z++)
    for (int y = 0; y < k; y++)
      for (int x = 0; x < k; x++) {
        const int i = (z * k + y) * k + x;
        t.emplace_back(i, i, three ? 6.0 : 4.0);
        if (x > 0) t.emplace_back(i, i - 1, -1.0);
        if (x < k - 1) t.emplace_back(i, i + 1, -1.0);
        if (y > 0) t.emplace_back(i, i - k, -1.0);
        if (y < k - 1) t.emplace_back(i, i + k, -1.0);
        if (three && z > 0) t.emplace_back(i, i - k * k, -1.0);
        if (three && z < k - 1) t.emplace_back(i, i + k * k, -1.0);
      }
  Eigen::SparseMatrix<double> A(n, n);
  A.setFromTriplets(t.begin(), t.end());
  A.makeCompressed();
  Eigen::VectorXd b(n);
  for (int i = 0; i < n; i++) b[i] = 1.0 + (i % 7);
  Eigen::SimplicialLLT<Eigen::SparseMatrix<double>, Eigen::Lower, Eigen::AMDOrdering<int>> llt;
  double t0 = now();
  llt.analyzePattern(A);
  double t1 = now();
  llt.factorize(A);
  double t2 = now();
  if (llt.info() != Eigen::Success) { std::fprintf(stderr, "factorization failed\n"); return 1; }
  Eigen::VectorXd x = llt.solve(b);
  double t3 = now();
  const double res = (b - A * x).norm() / b.norm();
  const long nnzL = (long)llt.matrixL().nestedExpression().nonZeros();
  std::printf("{\"n\":%d,\"analyzeMs\":%.3f,\"factorMs\":%.3f,\"solveMs\":%.3f,\"nnzL\":%ld,\"residual\":%.3e}\n", n,
              (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3, nnzL, res);
  return 0;
}
