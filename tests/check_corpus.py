"""Student-style derivations about PRML 9.2.1, each correct and with one planted error.

Each entry: (name, correct text, expected verdicts of the correct text's lines as letters,
planted line number (1-based), the planted line). Letters: c comment, a assumption,
d definition (a starting expression, a named left side or ``let:``), e equal, i implied, f fails.
"""

from __future__ import annotations

CORPUS: list[tuple[str, str, str, int, str]] = [
    ("log density, comma form",
     "log(N(x, mu, sigma))\n= -log(sigma) - log(2*pi)/2 - (x - mu)^2/(2*sigma^2)\n",
     "de", 2, "= -log(sigma) - log(2*pi) - (x - mu)^2/(2*sigma^2)"),
    ("log density, PRML form",
     "log N(x | mu, sigma^2)\n= -log(sigma^2)/2 - log(2*pi)/2 - (x - mu)^2/(2*sigma^2)\n"
     "= -log(sigma) - log(2*pi)/2 - (x - mu)^2/(2*sigma^2)\n",
     "dee", 3, "= -2*log(sigma) - log(2*pi)/2 - (x - mu)^2/(2*sigma^2)"),
    ("density at its own mean",
     "N(x_1 | x_1, sigma^2)\n= 1/sqrt(2*pi*sigma^2)\n= 1/(sqrt(2*pi)*sigma)\n",
     "dee", 2, "= 1/sqrt(2*pi*sigma)"),
    ("collapse limit of the density",
     "limit(N(x_1 | x_1, sigma^2), sigma, 0, +) = oo\n",
     "e", 1, "limit(N(x_1 | x_1, sigma^2), sigma, 0, +) = 0"),
    ("the other point vanishes",
     "assume: d != 0\nlimit(N(x_1 + d | x_1, sigma^2), sigma, 0, +) = 0\n",
     "ae", 2, "limit(N(x_1 + d | x_1, sigma^2), sigma, 0, +) = oo"),
    ("two-point single Gaussian",
     "assume: d != 0\nlog(N(x_1 | x_1, sigma^2)) + log(N(x_1 + d | x_1, sigma^2))\n"
     "= -2*log(sigma) - log(2*pi) - d^2/(2*sigma^2)\n"
     "limit(-2*log(sigma) - log(2*pi) - d^2/(2*sigma^2), sigma, 0, +) = -oo\n",
     "adee", 3, "= -2*log(sigma) - log(2*pi) - d^2/sigma^2"),
    ("general N log-likelihood",
     "assume: sigma > 0\nlog L(sigma) = log(prod(N(x_n | mu, sigma^2), n=1..N))\n"
     "= sum(log N(x_n | mu, sigma^2), n=1..N)\n"
     "= -N*log(sigma) - N*log(2*pi)/2 - sum((x_n - mu)^2, n=1..N)/(2*sigma^2)\n",
     "adee", 4, "= -N*log(sigma) - log(2*pi)/2 - sum((x_n - mu)^2, n=1..N)/(2*sigma^2)"),
    ("general N, Sum notation",
     "L = Sum(log(N(x_n, mu, sigma)), (n, 1, N))\n"
     "= -N*log(sigma) - N*log(2*pi)/2 - Sum((x_n - mu)^2, (n, 1, N))/(2*sigma^2)\n",
     "de", 2, "= -N*log(sigma) - N*log(2*pi)/2 - Sum((x_n - mu)^2, (n, 1, N))/sigma^2"),
    ("collapse rate with symbolic N and S",
     "let: S = sum((x_m - x_n)^2, m=1..N, m != n)\nlet: S > 0\n"
     "limit(-N*log(sigma) - S/(2*sigma^2), sigma, 0, +) = -oo\n",
     "dde", 3, "limit(-N*log(sigma) - S/(2*sigma^2), sigma, 0, +) = oo"),
    ("splitting off one term of a sum",
     "sum(x_m^2, m=1..N)\n= x_n^2 + sum(x_m^2, m=1..N, m != n)\n",
     "de", 2, "= sum(x_m^2, m=1..N, m != n)"),
    ("sum of a constant",
     "sum(log(2*pi)/2, n=1..N)\n= N*log(2*pi)/2\n= N*log(sqrt(2*pi))\n",
     "dee", 2, "= log(2*pi)/2"),
    ("product of densities to a sum of logs",
     "log(prod(exp(-x_n^2), n=1..N))\n= -sum(x_n^2, n=1..N)\n",
     "de", 2, "= -sum(x_n, n=1..N)^2"),
    ("mixture lower bound",
     "assume: sigma > 0\nlog(pi_1*N(x_1 | x_1, sigma^2) + pi_2*N(x_1 | mu_2, 1))\n"
     ">= log(pi_1*N(x_1 | x_1, sigma^2))\n= log(pi_1) - log(sigma) - log(2*pi)/2\n",
     "adie", 4, "= log(pi_1) - 2*log(sigma) - log(2*pi)/2"),
    ("mixture log-likelihood blows up",
     "limit(log(pi_1) - log(sigma) - log(2*pi)/2, sigma, 0, +) = oo\n",
     "e", 1, "limit(log(pi_1) - log(sigma) - log(2*pi)/2, sigma, 0, +) = -oo"),
    ("ridge keeps the variance away from 0",
     "assume: eps > 0\nassume: v >= 0\nv + eps >= eps\nlog(v + eps) >= log(eps)\n",
     "aaii", 4, "log(v + eps) <= log(eps)"),
    ("ridge bound on the density",
     "assume: eps > 0\nassume: v >= 0\nN(x | mu, v + eps)\n<= 1/sqrt(2*pi*(v + eps))\n<= 1/sqrt(2*pi*eps)\n",
     "aadii", 5, ">= 1/sqrt(2*pi*eps)"),
    ("completing the square",
     "x^2 - 2*x*mu + mu^2 + 1\n= (x - mu)^2 + 1\n>= 1\n",
     "dei", 3, ">= 2"),
    ("a MAP penalty",
     "assume: b > 0\nlog(sigma^(-2*a)*exp(-b/sigma^2))\n= -2*a*log(sigma) - b/sigma^2\n"
     "limit(-2*a*log(sigma) - b/sigma^2, sigma, 0, +) = -oo\n",
     "adee", 4, "limit(-2*a*log(sigma) - b/sigma^2, sigma, 0, +) = oo"),
    ("variance of two points",
     "((x_1 - (x_1 + x_2)/2)^2 + (x_2 - (x_1 + x_2)/2)^2)/2\n= (x_1 - x_2)^2/4\n",
     "de", 2, "= (x_1 - x_2)^2/2"),
    ("log of a product needs positivity",
     "assume: a > 0\nassume: b > 0\nlog(a*b)\n= log(a) + log(b)\n= log(a) + log(b^2)/2\n",
     "aadee", 5, "= log(a) + log(b^2)"),
    ("weights inside a log",
     "log(pi_k*N(x_n | mu_k, sigma_k^2))\n= log(pi_k) - log(sigma_k) - log(2*pi)/2 - (x_n - mu_k)^2/(2*sigma_k^2)\n",
     "de", 2, "= log(pi_k) + log(sigma_k) - log(2*pi)/2 - (x_n - mu_k)^2/(2*sigma_k^2)"),
    # LaTeX, as copied from a homework
    ("LaTeX: log density",
     r"\log \mathcal{N}(x \mid \mu, \sigma^2)" "\n"
     r"= -\log\sigma - \frac{1}{2}\log(2\pi) - \frac{(x-\mu)^2}{2\sigma^2}" "\n",
     "de", 2, r"= -\log\sigma - \frac{1}{2}\log(2\pi) - \frac{(x-\mu)^2}{\sigma^2}"),
    ("LaTeX: the density formula",
     r"\mathcal{N}(x \mid \mu, \sigma^2)" "\n"
     r"= \frac{1}{\sqrt{2\pi}\sigma}\exp\left(-\frac{(x-\mu)^2}{2\sigma^2}\right)" "\n",
     "de", 2, r"= \frac{1}{\sqrt{2\pi}\sigma^2}\exp\left(-\frac{(x-\mu)^2}{2\sigma^2}\right)"),
    ("LaTeX: align block, general N",
     "\\begin{align*}\n"
     r"\log L(\sigma) &= \log \prod_{n=1}^{N} \mathcal{N}(x_n \mid \mu, \sigma^2) \\" "\n"
     r"&= \sum_{n=1}^{N} \log \mathcal{N}(x_n \mid \mu, \sigma^2) \\" "\n"
     r"&= -N \log \sigma - \frac{N}{2}\log(2\pi) - \frac{1}{2\sigma^2}\sum_{n=1}^{N} (x_n - \mu)^2 \\" "\n"
     r"&\le -N \log \sigma - \frac{N}{2}\log(2\pi)" "\n"
     "\\end{align*}\n",
     "cdeeic", 5, r"&\le -N \log \sigma - N\log(2\pi)"),
    ("LaTeX: collapse limit",
     r"\lim_{\sigma \to 0^+} \mathcal{N}(x_1 \mid x_1, \sigma^2) = \infty" "\n",
     "e", 1, r"\lim_{\sigma \to 0^+} \mathcal{N}(x_1 \mid x_1, \sigma^2) = 0"),
    ("LaTeX: general collapse rate",
     "let: S > 0\n"
     r"\lim_{\sigma \to 0^+} \left(-N\log\sigma - \frac{S}{2\sigma^2}\right) = -\infty" "\n",
     "de", 2, r"\lim_{\sigma \to 0^+} \left(-N\log\sigma - \frac{S}{2\sigma^2}\right) = \infty"),
    ("LaTeX: mixture term",
     r"\log\left(\pi_k \mathcal{N}(x_n \mid \mu_k, \sigma_k^2)\right)" "\n"
     r"= \log \pi_k - \log \sigma_k - \frac{1}{2}\log(2\pi) - \frac{(x_n-\mu_k)^2}{2\sigma_k^2}" "\n",
     "de", 2, r"= \log \pi_k - \frac{1}{2}\log(2\pi) - \frac{(x_n-\mu_k)^2}{2\sigma_k^2}"),
    ("LaTeX: split off one term",
     r"\sum_{m=1}^{N} (x_m - \mu)^2" "\n"
     r"= (x_n - \mu)^2 + \sum_{m \ne n} (x_m - \mu)^2" "\n",
     "de", 2, r"= \sum_{m \ne n} (x_m - \mu)^2"),
    ("LaTeX: ridge bound",
     "assume: eps > 0\nassume: v >= 0\n"
     r"\mathcal{N}(x \mid \mu, v + \epsilon) \le \frac{1}{\sqrt{2\pi(v + \epsilon)}} \le \frac{1}{\sqrt{2\pi\epsilon}}" "\n",
     "aai", 3, r"\mathcal{N}(x \mid \mu, v + \epsilon) \le \frac{1}{\sqrt{2\pi(v + \epsilon)}} \ge \frac{1}{\sqrt{2\pi\epsilon}}"),
    # D dimensions, isotropic
    ("D dimensions: collapse rate",
     "assume: sigma > 0\nlog N(x_1 | x_1, sigma^2 * I_D)\n= -D*log(sigma) - D*log(2*pi)/2\n"
     "limit(-D*log(sigma) - D*log(2*pi)/2, sigma, 0, +) = oo\n",
     "adee", 3, "= -log(sigma) - D*log(2*pi)/2"),
    ("D dimensions: ridge bound",
     "assume: eps > 0\nassume: v >= 0\nlog |(v + eps)*I_D| >= D*log(eps)\n"
     "N(x | mu, (v + eps)*I_D) <= (2*pi*eps)^(-D/2)\n",
     "aaii", 3, "log |(v + eps)*I_D| <= D*log(eps)"),
    # D dimensions, diagonal (symbolic D) and explicit small matrices
    ("D dimensions, diagonal: determinant and collapse",
     "assume: Sigma = diag(sigma_d^2, d=1..D)\n"
     "log |Sigma|\n= sum(log(sigma_d^2), d=1..D)\n= 2*sum(log(sigma_d), d=1..D)\n"
     "logN(x | x, Sigma) = -D*log(2*pi)/2 - sum(log(sigma_d), d=1..D)\n",
     "adeee", 4, "= sum(log(sigma_d), d=1..D)"),
    ("D dimensions, diagonal: quadratic form",
     "assume: Sigma = diag(s_1, ..., s_D)\n"
     "(x_n - mu_k)^T*Sigma^(-1)*(x_n - mu_k)\n= sum((x_n_d - mu_k_d)^2/s_d, d=1..D)\n",
     "ade", 3, "= sum((x_n_d - mu_k_d)^2*s_d, d=1..D)"),
    ("D dimensions, diagonal, all equal: -D log sigma",
     "assume: Sigma = diag(sigma^2, d=1..D)\n"
     "logN(x_1 | x_1, Sigma)\n= -D*log(2*pi)/2 - D*log(sigma)\n",
     "ade", 3, "= -D*log(2*pi)/2 - log(sigma)"),
    ("LaTeX: diagonal covariance",
     r"assume: \Sigma = \operatorname{diag}(\sigma_1^2, \dots, \sigma_D^2)" "\n"
     r"\log \mathcal{N}(x \mid \mu, \Sigma)" "\n"
     r"= -\frac{D}{2}\log(2\pi) - \sum_{d=1}^{D} \log\sigma_d - \sum_{d=1}^{D} \frac{(x_d - \mu_d)^2}{2\sigma_d^2}" "\n",
     "ade", 3,
     r"= -\frac{D}{2}\log(2\pi) - \sum_{d=1}^{D} \log\sigma_d - \sum_{d=1}^{D} \frac{(x_d - \mu_d)^2}{\sigma_d^2}"),
    ("2 x 2 covariance: determinant and inverse",
     "det([[a, b], [b, c]])\n= a*c - b^2\n"
     "det([[a, b], [b, c]]^(-1)) = 1/(a*c - b^2)\n",
     "dee", 2, "= a*c + b^2"),
    ("2 x 2 covariance: the density",
     "assume: S = [[a, b], [b, c]]\n"
     "logN(x | mu, S)\n"
     "= -log(2*pi) - log(a*c - b^2)/2 - (c*(x_1 - mu_1)^2 - 2*b*(x_1 - mu_1)*(x_2 - mu_2) + a*(x_2 - mu_2)^2)"
     "/(2*(a*c - b^2))\n",
     "ade", 3,
     "= -log(2*pi) - log(a*c - b^2)/2 - (c*(x_1 - mu_1)^2 - b*(x_1 - mu_1)*(x_2 - mu_2) + a*(x_2 - mu_2)^2)"
     "/(2*(a*c - b^2))"),
    ("LaTeX: 2 x 2 matrix, pmatrix",
     r"\det \begin{pmatrix} s & 0 \\ 0 & s \end{pmatrix}" "\n"
     r"= s^2" "\n",
     "de", 2, r"= 2\cdot s"),
    ("LaTeX: plain bars and a norm",
     r"|x - \mu|^2 + \|y\|^2" "\n"
     r"= (x - \mu)^2 + y^2" "\n",
     "de", 2, r"= (x + \mu)^2 + y^2"),
    ("weights summing to 1, fixed K",
     "assume: pi_1 + pi_2 = 1\n"
     "pi_1*N(x | mu, s) + pi_2*N(x | mu, s)\n= N(x | mu, s)\n",
     "ade", 3, "= 2*N(x | mu, s)"),
    ("weights summing to 1, symbolic K",
     "assume: sum(pi_k, k=1..K) = 1\n"
     "log(sum(pi_k*N(x_n | x_n, sigma^2), k=1..K))\n= -log(sigma) - log(2*pi)/2\n",
     "ade", 3, "= -log(sigma) - log(2*pi)"),
    ("LaTeX: weights summing to 1",
     r"assume: \sum_{k=1}^{K} \pi_k = 1" "\n"
     r"\sum_{k=1}^{K} \pi_k c" "\n"
     r"= c" "\n",
     "ade", 3, r"= K \cdot c"),
    # the numeric route: free indices tied to the data, relative tolerance, small scales
    ("free index: a sum bounds one of its terms",
     "sum(x_m^2, m=1..N)\n>= x_n^2\n",
     "di", 2, ">= x_n^2 + 1"),
    ("free index: the PRML lower bound, general N",
     "assume: sigma > 0\n"
     "sum(log(pi_1*N(x_m | x_n, sigma^2) + pi_2*N(x_m | mu_2, 1)), m=1..N)\n"
     ">= log(pi_1*N(x_n | x_n, sigma^2)) + sum(log(pi_2*N(x_m | mu_2, 1)), m=1..N, m != n)\n",
     "adi", 3, ">= log(N(x_n | x_n, sigma^2)) + sum(log(pi_2*N(x_m | mu_2, 1)), m=1..N, m != n)"),
    ("free index: one component of K",
     "log(sum(pi_k*N(x_n | mu_k, sigma_k^2), k=1..K))\n>= log(pi_j*N(x_n | mu_j, sigma_j^2))\n",
     "di", 2, ">= log(N(x_n | mu_j, sigma_j^2))"),
    ("responsibilities: split off n = 1",
     "sum(r_nk, n=1..N)\n= r_1k + sum(r_nk, n=2..N)\n",
     "de", 2, "= r_1k + sum(r_nk, n=1..N)"),
    ("a density is bounded by its peak, not by 1",
     "assume: sigma > 0\nN(x_n | mu, sigma^2)\n<= 1/sqrt(2*pi*sigma^2)\n",
     "adi", 3, "<= 1"),
    ("the ridge bound keeps eps",
     "assume: eps > 0\nassume: v >= 0\nN(x | mu, (v + eps)*I_D)\n<= (2*pi*eps)^(-D/2)\n",
     "aadi", 4, "<= (2*pi)^(-D/2)"),
    ("a far point's density is tiny, not zero",
     "assume: sigma > 0\nassume: x = mu + 20*sigma\nN(x | mu, sigma^2)\n= exp(-200)/(sqrt(2*pi)*sigma)\n",
     "aade", 4, "= 0"),
    ("tiny constants are compared relatively",
     "sigma*10^(-35)\n= sigma/10^35\n",
     "de", 2, "= sigma*10^(-36)"),
]
