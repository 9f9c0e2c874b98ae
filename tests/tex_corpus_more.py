r"""Fresh chapter-9 homework as students hand it in (issue 21, the reader's probe): ``.tex`` files copied from
Overleaf and plain ASCII/Unicode steps files, none a copy of another corpus.

PRML 9.12-9.17 (E-step, M-step for the means, with PRML's ``0 = EXPR``), 9.19 (the variance), 9.20-9.22 (the
Lagrange multiplier), the single-Gaussian limit (L -> 0) and the mixture singularity (L -> oo), the ridge bound,
Jensen's bound, log-sum-exp (and a second probe: prose joining words, PRML 9.9 stated, E[z_nk], d/dsigma_k^2).
Each entry: (name, correct text, expected verdicts of the report's lines as letters, planted line (1-based; 0: none), the planted line's text). Letters as in tex_corpus.py: c comment,
a assumption, d definition, e equal, i implied, s condition, n not checked.
"""

from __future__ import annotations

TEX_CORPUS_MORE: list[tuple[str, str, str, int, str]] = [
    ('E-step in a full document: responsibility (9.13) and its sum over k',
     r"""\documentclass{article}
\usepackage{amsmath,bm}
\begin{document}
\section*{Exercise 9.12: the E-step}
By Bayes' theorem the responsibility of component $k$ for $\mathbf{x}_n$ is
\begin{equation*}
\gamma(z_{nk}) = \frac{\pi_k \mathcal{N}(\mathbf{x}_n \mid \boldsymbol{\mu}_k, \boldsymbol{\Sigma}_k)}{\sum_{j=1}^{K} \pi_j \mathcal{N}(\mathbf{x}_n \mid \boldsymbol{\mu}_j, \boldsymbol{\Sigma}_j)}
\end{equation*}
Summing over $k$ gives one:
\begin{align*}
\sum_{k=1}^{K} \gamma(z_{nk}) &= 1
\end{align*}
\end{document}
""",
     'ccccccdcccecc', 11, r"\sum_{k=1}^{K} \gamma(z_{nk}) &= K"),
    ('log likelihood (9.14) with bold symbols, nonumber and tag',
     r"""\subsection*{The log likelihood (9.14)}
For i.i.d.\ data the log of the likelihood is a sum over points:
\begin{align}
\ln p(\mathbf{X} \mid \boldsymbol{\pi}, \boldsymbol{\mu}, \boldsymbol{\Sigma}) &= \ln \prod_{n=1}^{N} \sum_{k=1}^{K} \pi_k \mathcal{N}(\mathbf{x}_n \mid \boldsymbol{\mu}_k, \boldsymbol{\Sigma}_k) \nonumber \\
&= \sum_{n=1}^{N} \ln \left\{ \sum_{k=1}^{K} \pi_k \mathcal{N}(\mathbf{x}_n \mid \boldsymbol{\mu}_k, \boldsymbol{\Sigma}_k) \right\} \tag{9.14}
\end{align}
""",
     'cccdec', 5, r"&= \sum_{n=1}^{N} \ln \left\{ \sum_{k=1}^{K} \mathcal{N}(\mathbf{x}_n \mid \boldsymbol{\mu}_k, \boldsymbol{\Sigma}_k) \right\} \tag{9.14}"),
    ('M-step for the means: 0 = EXPR (9.16), mu_k (9.17), N_k defined in the prose after it',
     r"""\section*{M-step for the means}
Setting the derivative of (9.14) with respect to $\boldsymbol{\mu}_k$ to zero we obtain
\begin{align}
0 &= -\sum_{n=1}^{N} \gamma(z_{nk}) \boldsymbol{\Sigma}_k^{-1}(\mathbf{x}_n - \boldsymbol{\mu}_k) \label{eq:stat} \\
\boldsymbol{\mu}_k &= \frac{1}{N_k} \sum_{n=1}^{N} \gamma(z_{nk}) \mathbf{x}_n \tag{9.17}
\end{align}
where we have defined $N_k = \sum_{n=1}^N \gamma(z_{nk})$.
""",
     'ccdcsicc', 5, r"\boldsymbol{\mu}_k &= \frac{2}{N_k} \sum_{n=1}^{N} \gamma(z_{nk}) \mathbf{x}_n \tag{9.17}"),
    ('one-dimensional M-step: derivative, 0 = EXPR, and a with-clause',
     r"""In one dimension, with $\sigma_k^2$ in place of $\boldsymbol{\Sigma}_k$:
\[
\frac{\partial}{\partial \mu_k} \sum_{n=1}^{N} \gamma(z_{nk}) \ln \mathcal{N}(x_n \mid \mu_k, \sigma_k^2) = \sum_{n=1}^{N} \gamma(z_{nk}) \frac{x_n - \mu_k}{\sigma_k^2}
\]
Setting this to zero and multiplying by $\sigma_k^2$:
\begin{align*}
0 &= \sum_{n=1}^{N} \gamma(z_{nk}) (x_n - \mu_k) \\
&= \sum_{n=1}^{N} \gamma(z_{nk}) x_n - N_k \mu_k \quad \text{with } N_k = \sum_{n=1}^{N} \gamma(z_{nk})
\end{align*}
""",
     'ccecccsdec', 8, r"&= \sum_{n=1}^{N} \gamma(z_{nk}) x_n - N \mu_k \quad \text{with } N_k = \sum_{n=1}^{N} \gamma(z_{nk})"),
    ('variance update (9.19): derivative by sigma_k^2 set to 0, then sigma_k^2 = ...',
     r"""\section*{Exercise: the variance update (9.19)}
% one dimension
\begin{align*}
\frac{\partial}{\partial \sigma_k^2} \sum_{n=1}^{N} \gamma(z_{nk}) \ln \mathcal{N}(x_n \mid \mu_k, \sigma_k^2) &= \sum_{n=1}^{N} \gamma(z_{nk}) \left( \frac{(x_n - \mu_k)^2}{2\sigma_k^4} - \frac{1}{2\sigma_k^2} \right) \\
&= 0
\end{align*}
Multiplying through by $2\sigma_k^4$ and solving,
\[ \sigma_k^{2} = \frac{1}{N_k}\sum_{n=1}^{N} \gamma(z_{nk})(x_n-\mu_k)^2 \quad \text{where } N_k = \sum_{n=1}^{N} \gamma(z_{nk}) \]
""",
     'cccesccdi', 8, r"\[ \sigma_k^{2} = \frac{1}{N_k}\sum_{n=1}^{N} \gamma(z_{nk})(x_n-\mu_k) \quad \text{where } N_k = \sum_{n=1}^{N} \gamma(z_{nk}) \]"),
    ('lone update lines for sigma_k^2, mu_k and pi_k',
     r"""The M-step for the variance is
\begin{equation*}
\sigma_k^{2} = \frac{1}{N_k}\sum_{n=1}^{N} \gamma(z_{nk})(x_n-\mu_k)^2
\end{equation*}
and for the means
\begin{equation*}
\mu_k = \frac{1}{N_k}\sum_{n} \gamma(z_{nk}) x_n
\end{equation*}
and the mixing coefficients $\pi_k = \frac{N_k}{N}$.
\begin{equation*}
\pi_k = \frac{N_k}{N}
\end{equation*}
""",
     'ccdcccdcccdc', 0, r""),
    ('Lagrange multiplier with gamma(z_nj), 0 = N_k/pi_k + lambda, pi_k solved',
     r"""\begin{align*}
\frac{\partial}{\partial \pi_k} \left( \sum_{n=1}^{N} \sum_{j=1}^{K} \gamma(z_{nj}) \ln \pi_j + \lambda \left( \sum_{j=1}^{K} \pi_j - 1 \right) \right) &= \frac{N_k}{\pi_k} + \lambda \quad \text{where } N_k = \sum_{n=1}^{N} \gamma(z_{nk}) \\
0 &= \frac{N_k}{\pi_k} + \lambda \\
\pi_k &= -\frac{N_k}{\lambda}
\end{align*}
""",
     'cdesic', 2, r"\frac{\partial}{\partial \pi_k} \left( \sum_{n=1}^{N} \sum_{j=1}^{K} \gamma(z_{nj}) \ln \pi_j + \lambda \left( \sum_{j=1}^{K} \pi_j - 1 \right) \right) &= \frac{N_k}{\pi_k} - \lambda \quad \text{where } N_k = \sum_{n=1}^{N} \gamma(z_{nk}) \\"),
    ('a single Gaussian cannot collapse: L -> 0',
     r"""\section{A single Gaussian cannot collapse}
Take $\mu = x_1$ and suppose $x_2 \neq x_1$.
assume: x_2 \neq x_1
\begin{align*}
\ln L(\sigma) &= \ln \mathcal{N}(x_1 \mid x_1, \sigma^2) + \ln \mathcal{N}(x_2 \mid x_1, \sigma^2) \\
&= -\ln(2\pi\sigma^2) - \frac{(x_2 - x_1)^2}{2\sigma^2}
\end{align*}
As $\sigma \to 0$ the second term wins:
\[ \lim_{\sigma \to 0^+} \left( -\ln(2\pi\sigma^2) - \frac{(x_2 - x_1)^2}{2\sigma^2} \right) = -\infty \]
so $L \to 0$.
""",
     'ccacdeccec', 9, r"\[ \lim_{\sigma \to 0^+} \left( -\ln(2\pi\sigma^2) - \frac{(x_2 - x_1)^2}{2\sigma^2} \right) = +\infty \]"),
    ('the mixture singularity: L -> oo',
     r"""\section{The mixture does collapse}
With $\boldsymbol{\mu}_1 = \mathbf{x}_1$ the first term of the likelihood of $\mathbf{x}_1$ is
\begin{align*}
\pi_1 \mathcal{N}(x_1 \mid x_1, \sigma_1^2) &= \frac{\pi_1}{\sqrt{2\pi}\,\sigma_1} \\
\lim_{\sigma_1 \to 0} \ln\left( \pi_1 \mathcal{N}(x_1 \mid x_1, \sigma_1^2) + \pi_2 \mathcal{N}(x_1 \mid \mu_2, \sigma_2^2) \right) &= \infty
\end{align*}
assume: 0 < \pi_1 < 1
so the log likelihood is unbounded ($L \to \infty$) while the other points keep a finite term.
""",
     'ccceecac', 0, r""),
    ('ridge bound with epsilon and a citation column',
     r"""\section*{Ridge bound}
Adding $\epsilon > 0$ to the variance bounds the density:
assume: \epsilon > 0
\begin{align*}
\mathcal{N}(x_n \mid \mu_k, \sigma_k^2 + \epsilon) &= \frac{1}{\sqrt{2\pi(\sigma_k^2 + \epsilon)}} \exp\left( -\frac{(x_n - \mu_k)^2}{2(\sigma_k^2 + \epsilon)} \right) \\
&\le \frac{1}{\sqrt{2\pi(\sigma_k^2 + \epsilon)}} \\
&\le \frac{1}{\sqrt{2\pi\epsilon}} && \text{since } \sigma_k^2 \geq 0
\end{align*}
Hence every term is bounded and $\ln L \le N \ln \frac{1}{\sqrt{2\pi\epsilon}}$.
""",
     'ccaceiicc', 7, r"&\le \frac{1}{2\pi\epsilon} && \text{since } \sigma_k^2 \geq 0"),
    ("Jensen's bound for two components",
     r"""\section*{Jensen's inequality (cf. 9.70)}
With $q_1 + q_2 = 1$ and $q_1, q_2 > 0$:
assume: q_1 > 0, q_2 > 0, a > 0, b > 0
let: q_2 = 1 - q_1
\begin{equation*}
\ln\left( q_1 \frac{a}{q_1} + q_2 \frac{b}{q_2} \right) \geq q_1 \ln\frac{a}{q_1} + q_2 \ln \frac{b}{q_2}
\end{equation*}
and the left side is $\ln(a + b)$:
\[ \ln\left( q_1 \frac{a}{q_1} + q_2 \frac{b}{q_2} \right) = \ln(a+b) \]
""",
     'ccadcicce', 0, r""),
    ('log-sum-exp shift and bounds',
     r"""\paragraph{Log-sum-exp.}
For any $m$,
\begin{align*}
\ln\left(e^{a_1} + e^{a_2}\right) &= m + \ln\left(e^{a_1 - m} + e^{a_2 - m}\right) % shift by the max
\end{align*}
and with $m = \max(a_1,a_2)$ the bound
assume: a_1 >= a_2
\begin{align*}
a_1 &\le \ln\left(e^{a_1} + e^{a_2}\right) \\
\ln\left(e^{a_1} + e^{a_2}\right) &\le a_1 + \ln 2
\end{align*}
""",
     'ccceccaciic', 10, r"\ln\left(e^{a_1} + e^{a_2}\right) &\le a_2 + \ln 2"),
    ('ASCII M-step: d/dmu_k sum_n, 0 = ..., so ... where N_k = ...',
     r"""M-step for mu_k, written out:
d/dmu_k sum_n gamma_nk log N(x_n | mu_k, sigma_k^2) = sum_n gamma_nk (x_n - mu_k) / sigma_k^2
0 = sum_n gamma_nk (x_n - mu_k) / sigma_k^2
so mu_k = sum_n gamma_nk x_n / N_k   where N_k = sum_n gamma_nk
""",
     'cesdi', 4, r"so mu_k = sum_n gamma_nk x_n / N   where N_k = sum_n gamma_nk"),
    ('Unicode updates as printed: mu_k, sigma_k^2, pi_k',
     r"""μₖ = (1/Nₖ) ∑ₙ γₙₖ xₙ
σₖ² = (1/Nₖ) ∑ₙ γₙₖ (xₙ − μₖ)²
πₖ = Nₖ / N
""",
     'ddd', 0, r""),
    ('ASCII single-Gaussian collapse with lim_{sigma->0+}',
     r"""single gaussian, mu = x_1, two points
assume: sigma > 0, x_2 != x_1
log L = log N(x_1 | x_1, sigma^2) + log N(x_2 | x_1, sigma^2)
= -log(2 pi sigma^2) - (x_2 - x_1)^2 / (2 sigma^2)
lim_{sigma->0+} -log(2 pi sigma^2) - (x_2 - x_1)^2 / (2 sigma^2) = -oo
""",
     'cadee', 4, r"= -log(2 pi sigma^2) - (x_2 - x_1)^2 / sigma^2"),
    ('ASCII Lagrangian with lambda (...) and a where-clause',
     r"""Lagrangian for the mixing weights
d/dpi_k (sum_n sum_j gamma_nj log(pi_j) + lambda (sum_j pi_j - 1)) = N_k / pi_k + lambda   where N_k = sum_n gamma_nk
0 = N_k / pi_k + lambda
pi_k = -N_k / lambda
""",
     'cdesi', 2, r"d/dpi_k (sum_n sum_j gamma_nj log(pi_j) + lambda (sum_j pi_j - 1)) = N_k / pi_k + 2 lambda   where N_k = sum_n gamma_nk"),
    ('derivatives by sigma^2 and by mu with an upright d',
     r"""\begin{align*}
\frac{\partial}{\partial \sigma^2} \ln \mathcal{N}(x \mid \mu, \sigma^2) &= -\frac{1}{2\sigma^2} + \frac{(x-\mu)^2}{2\sigma^4} \\
\frac{\mathrm{d}}{\mathrm{d}\mu} \ln \mathcal{N}(x \mid \mu, \sigma^2) &= \frac{x - \mu}{\sigma^2}
\end{align*}
""",
     'ceec', 0, r""),
    ('responsibility written with \\bigl( and \\left( and a spaced index',
     r"""\begin{align*}
\sum_{n=1}^{N} \gamma\bigl(z_{nk}\bigr) x_n - \mu_k \sum_{n=1}^{N} \gamma\left(z_{nk}\right) &= \sum_{n=1}^{N} \gamma(z_{n k}) (x_n - \mu_k)
\end{align*}
""",
     'cec', 2, r"\sum_{n=1}^{N} \gamma\bigl(z_{nk}\bigr) x_n - \mu_k \sum_{n=1}^{N} \gamma\left(z_{nk}\right) &= \sum_{n=1}^{N} \gamma(z_{n k}) (x_n + \mu_k)"),
    ("PRML's ^{new} updates (9.24-9.26)",
     r"""\section*{The M-step in PRML's form (9.24)--(9.26)}
\begin{align*}
\boldsymbol{\mu}_k^{\text{new}} &= \frac{1}{N_k} \sum_{n=1}^{N} \gamma(z_{nk}) \mathbf{x}_n \\
\sigma_k^{2,\mathrm{new}} &= \frac{1}{N_k} \sum_{n=1}^{N} \gamma(z_{nk}) (x_n - \mu_k^{\text{new}})^2 \\
\pi_k^{\rm new} &= \frac{N_k}{N}
\end{align*}
""",
     'ccdddc', 0, r""),
    ('a definition with :=',
     r"""We define
\begin{align*}
N_k &:= \sum_{n=1}^{N} \gamma(z_{nk}) \\
\sum_{k=1}^{K} N_k &= \sum_{n=1}^{N} \sum_{k=1}^{K} \gamma(z_{nk})
\end{align*}
""",
     'ccdec', 4, r"\sum_{k=1}^{K} N_k &= K"),
    ('a row ending in \\to \\infty, then the limit written out',
     r"""As $\sigma_j \to 0$ with $\mu_j = x_n$:
\begin{align*}
\mathcal{N}(x_n \mid x_n, \sigma_j^2) &= \frac{1}{\sqrt{2\pi}\sigma_j} \to \infty \\
\lim_{\sigma_j \rightarrow 0^{+}} \frac{1}{\sqrt{2\pi}\sigma_j} &= +\infty
\end{align*}
""",
     'cceec', 3, r"\mathcal{N}(x_n \mid x_n, \sigma_j^2) &= \frac{1}{\sqrt{2\pi}\sigma_j^2} \to \infty \\"),
    ("Jensen's bound over K components with sum_k q_k = 1",
     r"""For any distribution $q(z_{nk})$ over $k$:
assume: q_k > 0, \sum_{k=1}^{K} q_k = 1
\begin{align*}
\ln \sum_{k=1}^{K} \pi_k \mathcal{N}(x_n \mid \mu_k, \sigma_k^2) &= \ln \sum_{k=1}^{K} q_k \frac{\pi_k \mathcal{N}(x_n \mid \mu_k, \sigma_k^2)}{q_k} \\
&\geq \sum_{k=1}^{K} q_k \ln \frac{\pi_k \mathcal{N}(x_n \mid \mu_k, \sigma_k^2)}{q_k}
\end{align*}
""",
     'caceic', 0, r""),
    ('an enumerate list with a since-clause',
     r"""\begin{enumerate}
\item The responsibilities sum to one, $\sum_k \gamma(z_{nk}) = 1$.
\item Hence
\begin{equation*}
\sum_{k=1}^{K} N_k = N \quad \text{since } N_k = \sum_{n=1}^{N} \gamma(z_{nk})
\end{equation*}
\end{enumerate}
""",
     'ccccdecc', 0, r""),
    ('leading & and \\Longrightarrow\\quad &',
     r"""\begin{align*}
& \sum_{n=1}^{N} \gamma(z_{nk}) (x_n - \mu_k) = 0 \\
\Longrightarrow\quad & \mu_k = \frac{\sum_{n=1}^{N} \gamma(z_{nk}) x_n}{\sum_{n=1}^{N} \gamma(z_{nk})}
\end{align*}
""",
     'csic', 3, r"\Longrightarrow\quad & \mu_k = \frac{\sum_{n=1}^{N} \gamma(z_{nk}) x_n}{N}"),
    # the second reader's probe: twelve more fresh files (prose joining words, PRML 9.9 stated, E[z_nk],
    # d/dsigma_k^2, a let: below its use, 0 = EXPR alone)
    ("second probe: a full Overleaf E-step with gamma(z_k) == p(z_k = 1 | x) and 'and so'",
     r"""\documentclass[11pt]{article}
\usepackage{amsmath,amssymb}
\title{Homework 4}
\author{A. Student}
\begin{document}
\maketitle
\section{Problem 1 (PRML 9.12--9.13)}
Introduce the latent indicator $z_k \in \{0,1\}$ with $p(z_k = 1) = \pi_k$. The posterior is
\begin{equation}
\gamma(z_k) \equiv p(z_k = 1 \mid \mathbf{x}) = \frac{\pi_k \mathcal{N}(\mathbf{x} \mid \boldsymbol\mu_k, \boldsymbol\Sigma_k)}{\sum_{j=1}^K \pi_j \mathcal{N}(\mathbf{x} \mid \boldsymbol\mu_j, \boldsymbol\Sigma_j)}
\end{equation}
and so
\begin{align*}
\sum_{k=1}^{K} \gamma(z_{nk}) &= \frac{\sum_{k=1}^{K} \pi_k \mathcal{N}(\mathbf{x}_n \mid \boldsymbol\mu_k, \boldsymbol\Sigma_k)}{\sum_{j=1}^K \pi_j \mathcal{N}(\mathbf{x}_n \mid \boldsymbol\mu_j, \boldsymbol\Sigma_j)} \\
&= 1
\end{align*}
\end{document}
""",
     'ccccccccccccceecc', 15, r"&= K"),
    ("second probe: PRML 9.8-9.9 stated on lines of their own, prose 'and', 'Thus,'",
     r"""\section*{Q2: the mixing coefficients}
The weights must satisfy (9.8) and (9.9):
\[ 0 \leq \pi_k \leq 1 \]
and
\[ \sum_{k=1}^{K} \pi_k = 1 \]
Thus,
\[ \ln \sum_{k=1}^{K} \pi_k = 0 \]
""",
     'ccacace', 7, r"\[ \ln \sum_{k=1}^{K} \pi_k = 1 \]"),
    ("second probe: 0 = EXPR alone (9.21), pi_k = N_k/N, N_k in a display after 'where we have defined'",
     r"""\subsection*{Maximising over $\pi_k$ (9.20--9.22)}
We maximise $\ln p(\mathbf{X}\mid\boldsymbol\pi,\boldsymbol\mu,\boldsymbol\Sigma) + \lambda\left(\sum_{k=1}^K \pi_k - 1\right)$.
\begin{align}
0 &= \sum_{n=1}^{N} \frac{\mathcal{N}(\mathbf{x}_n \mid \boldsymbol\mu_k, \boldsymbol\Sigma_k)}{\sum_{j} \pi_j \mathcal{N}(\mathbf{x}_n \mid \boldsymbol\mu_j, \boldsymbol\Sigma_j)} + \lambda
\end{align}
Multiplying by $\pi_k$ and summing over $k$ gives $\lambda = -N$, so that
\begin{equation}
\pi_k = \frac{N_k}{N}
\end{equation}
where we have defined
\begin{equation}
N_k = \sum_{n=1}^{N} \gamma(z_{nk})
\end{equation}
""",
     'cccscccdcccdc', 0, r""),
    ("second probe: ASCII gamma_nk(x_n - mu_k) with no space, 'and so', 'hence'",
     r"""# Exercise 9.16-9.17 (ASCII)
let: N_k = sum_n gamma_nk
d/dmu_k sum_n gamma_nk (x_n - mu_k)^2 / (2 sigma_k^2) = -sum_n gamma_nk(x_n - mu_k) / sigma_k^2
and so
0 = sum_n gamma_nk(x_n - mu_k)
hence
mu_k = 1/N_k sum_n gamma_nk x_n
""",
     'cdecsci', 7, r"mu_k = 1/N sum_n gamma_nk x_n"),
    ('second probe: d/dsigma_k^2 in ASCII, the let: of N_k below its use',
     r"""# variance update, as the tool prints it
∂/∂σₖ² is below, written in ASCII
d/dsigma_k^2 sum_n gamma_nk log N(x_n | mu_k, sigma_k^2) = sum_n gamma_nk ((x_n - mu_k)^2 / (2 sigma_k^4) - 1/(2 sigma_k^2))
0 = sum_n gamma_nk ((x_n - mu_k)^2 - sigma_k^2)
sigma_k^2 = sum_n gamma_nk (x_n - mu_k)^2 / N_k
let: N_k = sum_n gamma_nk
""",
     'ccesid', 0, r""),
    ("second probe: single Gaussian L -> -oo with 'where S > 0'",
     r"""\section*{Problem 3: one Gaussian cannot collapse}
For a single Gaussian fitted to $N \geq 2$ distinct points, fix $\mu = x_1$:
\begin{align*}
\ln L(\sigma) &= \sum_{n=1}^{N} \ln \mathcal{N}(x_n \mid \mu, \sigma^2) \\
&= -\frac{N}{2}\ln(2\pi) - N \ln \sigma - \frac{1}{2\sigma^2}\sum_{n=1}^{N}(x_n-\mu)^2
\end{align*}
which gives, as $\sigma \to 0$,
\[ \lim_{\sigma \to 0^+} \left( - N \ln \sigma - \frac{S}{2\sigma^2} \right) = -\infty \quad \text{where } S > 0 \]
""",
     'cccdeccae', 0, r""),
    ("second probe: the mixture singularity in ASCII with 'Thus,'",
     r"""# The mixture singularity (PRML 9.2.1), two components, mu_1 = x_1
assume: sigma_2 > 0, pi_1 > 0, pi_2 > 0
N(x_1 | x_1, sigma_1^2) = 1/sqrt(2 pi sigma_1^2)
Thus,
limit(pi_1 N(x_1 | x_1, sigma_1^2) + pi_2 N(x_1 | mu_2, sigma_2^2), sigma_1, 0, +) = oo
""",
     'caece', 0, r""),
    ('second probe: the ridge bound 1/sqrt(2 pi eps) with assume: in LaTeX',
     r"""\section*{Problem 5: a ridge on the variance}
Adding $\epsilon > 0$ to every variance keeps the density bounded:
assume: \epsilon > 0
\begin{align*}
\mathcal{N}(x \mid \mu, \sigma^2 + \epsilon) &= \frac{1}{\sqrt{2\pi(\sigma^2+\epsilon)}} \exp\left(-\frac{(x-\mu)^2}{2(\sigma^2+\epsilon)}\right) \\
&\leq \frac{1}{\sqrt{2\pi(\sigma^2+\epsilon)}} \\
&\le \frac{1}{\sqrt{2\pi\epsilon}}
\end{align*}
hence the likelihood stays finite as $\sigma \to 0$.
""",
     'ccaceiicc', 0, r""),
    ("second probe: log-sum-exp bounds with 'so that' and 'and' lines",
     r"""# log-sum-exp, two terms, shifted by the larger one
assume: a >= b
log(exp(a) + exp(b)) = a + log(1 + exp(b - a))
so that
log(exp(a) + exp(b)) <= a + log(2)
and
log(exp(a) + exp(b)) >= a
""",
     'caecici', 5, r"log(exp(a) + exp(b)) <= b + log(2)"),
    ('second probe: Jensen after the constraint sum pi_k = 1 in a display',
     r"""\paragraph{Jensen.} Since $\ln$ is concave and $\sum_k \pi_k = 1$,
\begin{equation*}
\sum_{k=1}^{K} \pi_k = 1
\end{equation*}
it follows that
\begin{align*}
\ln \sum_{k=1}^{K} \pi_k \mathcal{N}(x_n \mid \mu_k, \sigma_k^2) &\geq \sum_{k=1}^{K} \pi_k \ln \mathcal{N}(x_n \mid \mu_k, \sigma_k^2)
\end{align*}
""",
     'ccacccic', 0, r""),
    ('second probe: E[z_nk] = gamma(z_nk) as notation, Q and its derivative',
     r"""\section*{Problem 6 (9.39--9.40)}
The expected value of the indicator under the posterior is the responsibility:
\[ \mathbb{E}[z_{nk}] = \gamma(z_{nk}) \]
Therefore the expected complete-data log likelihood is
\begin{align*}
Q &= \sum_{n=1}^{N} \sum_{k=1}^{K} \gamma(z_{nk}) \left\{ \ln \pi_k + \ln \mathcal{N}(x_n \mid \mu_k, \sigma_k^2) \right\}
\end{align*}
Setting $\partial Q / \partial \mu_k = 0$:
\begin{align*}
\frac{\partial Q}{\partial \mu_k} &= \sum_{n=1}^{N} \gamma(z_{nk}) \frac{x_n - \mu_k}{\sigma_k^2} = 0 \\
\mu_k &= \frac{\sum_{n=1}^{N} \gamma(z_{nk}) x_n}{\sum_{n=1}^{N} \gamma(z_{nk})}
\end{align*}
""",
     'cccccdccceic', 11, r"\mu_k &= \frac{\sum_{n=1}^{N} \gamma(z_{nk}) x_n}{N}"),
    ("second probe: numbers at the precision written, 'which gives'",
     r"""# two points, one component at mu = 0, sigma = 1
log(N(0 | 0, 1)) = -1/2 log(2 pi)
-1/2 log(2 pi) ~= -0.919
log(N(1 | 0, 1)) = -1/2 log(2 pi) - 1/2
which gives
log(N(0 | 0, 1)) + log(N(1 | 0, 1)) = -log(2 pi) - 1/2
""",
     'ceeece', 3, r"-1/2 log(2 pi) ~= -0.918"),
]
