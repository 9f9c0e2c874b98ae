"""Student-style EM derivations (PRML 9.2-9.3): derivatives, conditions, consequences, Lagrange multipliers.

Each entry: (name, correct text, expected verdicts of the correct text's lines as letters,
planted line number (1-based), the planted line). Letters as in ``check_corpus`` (c comment,
a assumption, d definition, e equal, i implied, f fails) and s, a condition (a derivative set to 0).
"""

from __future__ import annotations

GAMMA = "let: gamma_nk = pi_k*N(x_n | mu_k, sigma_k^2)/sum(pi_j*N(x_n | mu_j, sigma_j^2), j=1..K)\n"
N_K = "let: N_k = sum(gamma_nk, n=1..N)\n"
LOG_L = "log L = sum(log(sum(pi_j*N(x_n | mu_j, sigma_j^2), j=1..K)), n=1..N)\n"
LATEX_LOG_L = (r"\ln p(X \mid \pi, \mu, \sigma) = \sum_{n=1}^{N} \ln \sum_{j=1}^{K} \pi_j "
               r"\mathcal{N}(x_n \mid \mu_j, \sigma_j^2)" "\n")
KMEANS = "exp(-a/(2*eps))/(exp(-a/(2*eps)) + exp(-b/(2*eps)))"
LATEX_KMEANS = r"\frac{\exp(-a/(2\epsilon))}{\exp(-a/(2\epsilon)) + \exp(-b/(2\epsilon))}"
KMEANS_OTHER = "exp(-b/(2*eps))/(exp(-a/(2*eps)) + exp(-b/(2*eps)))"
TERM = "pi_k*N(x | mu_k, sigma_k^2)"


def _kmeans(name: str, line: str, planted: str) -> tuple[str, str, str, int, str]:
    """A K-means limit line (PRML 9.3.2) under the distances' order a < b (a >= 0: a squared distance)."""
    return name, f"assume: b > a\nassume: a >= 0\n{line}\n", "aae", 3, planted

LATEX_TERM = r"\pi_k \mathcal{N}(x \mid \mu_k, \sigma_k^2)"

CORPUS: list[tuple[str, str, str, int, str]] = [
    # E-step
    ("E-step: responsibilities sum to one",
     GAMMA + "sum(gamma_nk, k=1..K) = 1\n",
     "de", 2, "sum(gamma_nk, k=1..K) = K"),
    ("E-step: the log of a responsibility",
     GAMMA + "log(gamma_nk) = log(pi_k) + logN(x_n | mu_k, sigma_k^2) - log(sum(pi_j*N(x_n | mu_j, sigma_j^2), j=1..K))\n",
     "de", 2, "log(gamma_nk) = logN(x_n | mu_k, sigma_k^2) - log(sum(pi_j*N(x_n | mu_j, sigma_j^2), j=1..K))"),
    ("E-step: effective numbers add up to N",
     GAMMA + N_K + "sum(N_k, k=1..K) = N\n",
     "dde", 3, "sum(N_k, k=1..K) = K"),
    # M-step for the means
    ("M-step mu_k: PRML 9.17",
     GAMMA + LOG_L + "d/dmu_k log L = sum(gamma_nk*(x_n - mu_k), n=1..N)/sigma_k^2\n",
     "dde", 3, "d/dmu_k log L = sum(gamma_nk*(x_n - mu_k), n=1..N)/sigma_k"),
    ("M-step mu_k: solved, N_k",
     "# M-step for the means, responsibilities held fixed\n" + GAMMA + N_K + LOG_L
     + "d/dmu_k log L = sum(gamma_nk*(x_n - mu_k), n=1..N)/sigma_k^2\n"
     + "sum(gamma_nk*(x_n - mu_k), n=1..N)/sigma_k^2 = 0\n"
     + "=> sum(gamma_nk*x_n, n=1..N) = mu_k*N_k\n"
     + "=> mu_k = sum(gamma_nk*x_n, n=1..N)/N_k\n",
     "cdddesii", 8, "=> mu_k = sum(gamma_nk*x_n, n=1..N)/N"),
    ("M-step mu_k: a sign slip in the solution",
     "let: N_k = sum(r_nk, n=1..N)\n"
     "Q = sum(r_nk*(log(pi_k) + logN(x_n | mu_k, sigma_k^2)), n=1..N)\n"
     "diff(Q, mu_k) = sum(r_nk*(x_n - mu_k), n=1..N)/sigma_k^2\n"
     "sum(r_nk*(x_n - mu_k), n=1..N) = 0\n"
     "so mu_k = sum(r_nk*x_n, n=1..N)/N_k\n",
     "ddesi", 5, "so mu_k = -sum(r_nk*x_n, n=1..N)/N_k"),
    ("M-step mu_k: the quotient form d(F)/d(x)",
     "Q = sum(sum(gamma_nj*logN(x_n | mu_j, sigma_j^2), j=1..K), n=1..N)\n"
     "d(Q)/d(mu_k) = sum(gamma_nk*(x_n - mu_k), n=1..N)/sigma_k^2\n"
     "= (sum(gamma_nk*x_n, n=1..N) - mu_k*sum(gamma_nk, n=1..N))/sigma_k^2\n",
     "dee", 3, "= (sum(gamma_nk*x_n, n=1..N) - mu_k*N)/sigma_k^2"),
    ("M-step mu_k: responsibilities depend on n",
     "sum(r_nk*(x_n - mu_k), n=1..N)\n= sum(r_nk*x_n, n=1..N) - mu_k*sum(r_nk, n=1..N)\n",
     "de", 2, "= r_nk*sum(x_n, n=1..N) - mu_k*sum(r_nk, n=1..N)"),
    ("LaTeX: M-step mu_k",
     GAMMA + N_K + LATEX_LOG_L
     + r"\frac{\partial \ln p(X \mid \pi,\mu,\sigma)}{\partial \mu_k} = \sum_{n=1}^{N} \gamma_{nk} "
       r"\frac{x_n - \mu_k}{\sigma_k^2}" "\n"
     + r"\sum_{n=1}^{N} \gamma_{nk} \frac{x_n - \mu_k}{\sigma_k^2} = 0" "\n"
     + r"\Rightarrow \mu_k = \frac{1}{N_k} \sum_{n=1}^{N} \gamma_{nk} x_n" "\n",
     "dddesi", 6, r"\Rightarrow \mu_k = \frac{1}{N} \sum_{n=1}^{N} \gamma_{nk} x_n"),
    ("LaTeX: M-step mu_k in PRML's notation gamma(z_nk)",
     GAMMA + N_K
     + r"\sum_{n=1}^{N} \gamma(z_{nk}) (x_n - \mu_k) = 0" "\n"
     + r"\iff N_k \mu_k = \sum_{n=1}^{N} \gamma(z_{nk}) x_n" "\n",
     "ddse", 4, r"\iff N_k \mu_k = -\sum_{n=1}^{N} \gamma(z_{nk}) x_n"),
    ("LaTeX: PRML 9.17 with a partial",
     r"\partial_{\mu_k} \sum_{n=1}^{N} \ln \sum_{j=1}^{K} \pi_j \mathcal{N}(x_n \mid \mu_j, \sigma^2) = "
     r"\sum_{n=1}^{N} \frac{\pi_k \mathcal{N}(x_n \mid \mu_k, \sigma^2)}{\sum_{j=1}^{K} \pi_j "
     r"\mathcal{N}(x_n \mid \mu_j, \sigma^2)} \frac{x_n - \mu_k}{\sigma^2}" "\n",
     "e", 1,
     r"\partial_{\mu_k} \sum_{n=1}^{N} \ln \sum_{j=1}^{K} \pi_j \mathcal{N}(x_n \mid \mu_j, \sigma^2) = "
     r"\sum_{n=1}^{N} \frac{\pi_k \mathcal{N}(x_n \mid \mu_k, \sigma^2)}{\sum_{j=1}^{K} \pi_j "
     r"\mathcal{N}(x_n \mid \mu_j, \sigma^2)} \frac{\mu_k - x_n}{\sigma^2}"),
    # M-step for the variances
    ("M-step sigma_k^2, 1-D: the derivative",
     "Q = sum(r_nk*logN(x_n | mu_k, sigma_k^2), n=1..N)\n"
     "diff(Q, sigma_k^2) = sum(r_nk*((x_n - mu_k)^2/(2*sigma_k^4) - 1/(2*sigma_k^2)), n=1..N)\n",
     "de", 2, "diff(Q, sigma_k^2) = sum(r_nk*((x_n - mu_k)^2/sigma_k^4 - 1/(2*sigma_k^2)), n=1..N)"),
    ("M-step sigma_k^2, 1-D: solved",
     "let: N_k = sum(r_nk, n=1..N)\n"
     "Q = sum(r_nk*logN(x_n | mu_k, sigma_k^2), n=1..N)\n"
     "diff(Q, sigma_k^2) = sum(r_nk*((x_n - mu_k)^2/(2*sigma_k^4) - 1/(2*sigma_k^2)), n=1..N)\n"
     "sum(r_nk*((x_n - mu_k)^2/(2*sigma_k^4) - 1/(2*sigma_k^2)), n=1..N) = 0\n"
     "=> sigma_k^2 = sum(r_nk*(x_n - mu_k)^2, n=1..N)/N_k\n",
     "ddesi", 5, "=> sigma_k^2 = sum(r_nk*(x_n - mu_k)^2, n=1..N)/N"),
    ("LaTeX: M-step sigma_k^2, 1-D",
     "let: N_k = sum(r_nk, n=1..N)\n"
     r"\frac{\partial}{\partial \sigma_k^2} \sum_{n=1}^{N} r_{nk} \ln \mathcal{N}(x_n \mid \mu_k, \sigma_k^2) "
     r"= \sum_{n=1}^{N} r_{nk} \left(\frac{(x_n - \mu_k)^2}{2\sigma_k^4} - \frac{1}{2\sigma_k^2}\right)" "\n"
     r"\sum_{n=1}^{N} r_{nk} \left(\frac{(x_n - \mu_k)^2}{2\sigma_k^4} - \frac{1}{2\sigma_k^2}\right) = 0" "\n"
     r"\implies \sigma_k^2 = \frac{1}{N_k} \sum_{n=1}^{N} r_{nk} (x_n - \mu_k)^2" "\n",
     "desi", 4, r"\implies \sigma_k^2 = \frac{1}{2 N_k} \sum_{n=1}^{N} r_{nk} (x_n - \mu_k)^2"),
    ("M-step sigma_k^2, isotropic in D dimensions",
     "let: N_k = sum(r_nk, n=1..N)\n"
     "Q = sum(r_nk*logN(x_n | mu_k, sigma_k^2*I_D), n=1..N)\n"
     "diff(Q, sigma_k^2) = sum(r_nk*((x_n - mu_k)^2/(2*sigma_k^4) - D/(2*sigma_k^2)), n=1..N)\n"
     "sum(r_nk*((x_n - mu_k)^2/(2*sigma_k^4) - D/(2*sigma_k^2)), n=1..N) = 0\n"
     "=> sigma_k^2 = sum(r_nk*(x_n - mu_k)^2, n=1..N)/(D*N_k)\n",
     "ddesi", 5, "=> sigma_k^2 = sum(r_nk*(x_n - mu_k)^2, n=1..N)/N_k"),
    ("diagonal covariance: one variance component",
     "assume: Sigma = diag(s_d, d=1..D)\n"
     "logN(x | mu, Sigma) = -D*log(2*pi)/2 - sum(log(s_d), d=1..D)/2 - sum((x_d - mu_d)^2/s_d, d=1..D)/2\n"
     "diff(logN(x | mu, Sigma), s_1) = (x_1 - mu_1)^2/(2*s_1^2) - 1/(2*s_1)\n"
     "(x_1 - mu_1)^2/(2*s_1^2) - 1/(2*s_1) = 0\n"
     "=> s_1 = (x_1 - mu_1)^2\n",
     "aeesi", 5, "=> s_1 = (x_1 - mu_1)^2/2"),
    ("single Gaussian: the variance estimate",
     "log L = -N*log(sigma^2)/2 - N*log(2*pi)/2 - sum((x_n - mu)^2, n=1..N)/(2*sigma^2)\n"
     "d/dsigma (log L) = -N/sigma + sum((x_n - mu)^2, n=1..N)/sigma^3\n"
     "-N/sigma + sum((x_n - mu)^2, n=1..N)/sigma^3 = 0\n"
     "hence sigma^2 = sum((x_n - mu)^2, n=1..N)/N\n",
     "desi", 4, "hence sigma^2 = sum((x_n - mu)^2, n=1..N)/(N - 1)"),
    # the mixing weights, by a Lagrange multiplier
    ("pi_k by a Lagrange multiplier (PRML 9.20-9.22)",
     GAMMA + N_K + LOG_L
     + "d/dpi_k (log L + lambda*(sum(pi_j, j=1..K) - 1)) = "
       "sum(N(x_n | mu_k, sigma_k^2)/sum(pi_j*N(x_n | mu_j, sigma_j^2), j=1..K), n=1..N) + lambda\n"
     + "sum(N(x_n | mu_k, sigma_k^2)/sum(pi_j*N(x_n | mu_j, sigma_j^2), j=1..K), n=1..N) + lambda = 0\n"
     + "assume: sum(pi_k, k=1..K) = 1\n"
     + "=> sum(gamma_nk, n=1..N) + lambda*pi_k = 0\n"
     + "=> N_k + lambda*pi_k = 0\n"
     + "=> lambda = -N\n"
     + "=> pi_k = N_k/N\n",
     "dddesaiiii", 10, "=> pi_k = N_k/K"),
    ("pi_k by a Lagrange multiplier, responsibilities fixed",
     N_K
     + "d/dpi_k (sum(sum(gamma_nj*log(pi_j), j=1..K), n=1..N) + lambda*(sum(pi_j, j=1..K) - 1)) = "
       "sum(gamma_nk, n=1..N)/pi_k + lambda\n"
     + "sum(gamma_nk, n=1..N)/pi_k + lambda = 0\n"
     + "assume: sum(pi_k, k=1..K) = 1\n"
     + "=> pi_k = -N_k/lambda\n"
     + "=> lambda = -N\n"
     + "=> pi_k = N_k/N\n",
     "desaiii", 5, "=> pi_k = N_k/lambda"),
    ("LaTeX: pi_k by a Lagrange multiplier",
     N_K
     + r"\frac{\partial}{\partial \pi_k} \left(\sum_{n=1}^{N} \sum_{j=1}^{K} \gamma_{nj} \ln \pi_j + \lambda "
       r"\left(\sum_{j=1}^{K} \pi_j - 1\right)\right) = \frac{N_k}{\pi_k} + \lambda" "\n"
     + r"\frac{N_k}{\pi_k} + \lambda = 0" "\n"
     + r"assume: \sum_{k=1}^{K} \pi_k = 1" "\n"
     + r"\therefore \lambda = -N" "\n"
     + r"\therefore \pi_k = \frac{N_k}{N}" "\n",
     "desaii", 5, r"\therefore \lambda = N"),
    ("LaTeX: the Lagrangian written as mathcal L",
     N_K
     + r"\mathcal{L} = \sum_{n=1}^{N} \sum_{j=1}^{K} \gamma_{nj} \ln \pi_j + \lambda \left(\sum_{j=1}^{K} \pi_j - 1\right)"
       "\n"
     + r"\frac{\partial \mathcal{L}}{\partial \pi_k} = \frac{N_k}{\pi_k} + \lambda" "\n"
     + r"\frac{N_k}{\pi_k} + \lambda = 0" "\n"
     + r"assume: \sum_{k=1}^{K} \pi_k = 1" "\n"
     + r"\Rightarrow \pi_k = -\frac{N_k}{\lambda}" "\n"
     + r"\Rightarrow \lambda = -N" "\n"
     + r"\Rightarrow \pi_k = \frac{N_k}{N}" "\n",
     "ddesaiii", 8, r"\Rightarrow \pi_k = \frac{N_k}{K}"),
    # the K-means limit (PRML 9.3.2), distances a < b
    _kmeans("K-means limit: the nearest mean takes all", f"limit({KMEANS}, eps, 0, +) = 1",
            f"limit({KMEANS}, eps, 0, +) = 0"),
    _kmeans("K-means limit: the other mean gets nothing", f"limit({KMEANS_OTHER}, eps, 0, +) = 0",
            f"limit({KMEANS_OTHER}, eps, 0, +) = 1"),
    _kmeans("LaTeX: K-means limit", rf"\lim_{{\epsilon \to 0^+}} {LATEX_KMEANS} = 1",
            rf"\lim_{{\epsilon \to 0^+}} {LATEX_KMEANS} = \frac{{1}}{{2}}"),
    # the EM bound (Jensen)
    ("EM bound: Jensen's inequality",
     "assume: sum(q_k, k=1..K) = 1\n"
     f"log(sum(q_k*({TERM}/q_k), k=1..K)) >= sum(q_k*log({TERM}/q_k), k=1..K)\n",
     "ai", 2, f"log(sum(q_k*({TERM}/q_k), k=1..K)) <= sum(q_k*log({TERM}/q_k), k=1..K)"),
    ("LaTeX: EM bound",
     "assume: sum(q_k, k=1..K) = 1\n"
     rf"\ln \sum_{{k=1}}^{{K}} {LATEX_TERM} \ge \sum_{{k=1}}^{{K}} q_k \ln \frac{{{LATEX_TERM}}}{{q_k}}" "\n",
     "ai", 2, rf"\ln \sum_{{k=1}}^{{K}} {LATEX_TERM} \ge \sum_{{k=1}}^{{K}} \ln \frac{{{LATEX_TERM}}}{{q_k}}"),
]
