r"""Homework as copied from Overleaf: prose, display environments, annotations, PRML's notation (issue 21).

Each entry: (name, correct text, expected verdicts of the report's lines as letters, planted line
(1-based line of the file), the planted line). The report has one entry per row read: a file line
holding two relations (``a = b, \qquad c = d``) or a where-clause gives several entries with the
same line number. Letters: c comment, a assumption, d definition (a starting expression, a named
left side or ``let:``), e equal, i implied, f fails.
"""

from __future__ import annotations

TEX_CORPUS: list[tuple[str, str, str, int, str]] = [
    ("log density in align*, prose and a citation column",
     r"""\section*{Exercise 1}
The log of a single Gaussian density, with $\sigma > 0$, is
\begin{align*}
\ln \mathcal{N}(x \mid \mu, \sigma^2) &= -\frac{1}{2}\ln(2\pi\sigma^2) - \frac{(x-\mu)^2}{2\sigma^2} && \text{by (2.42)} \\
&= -\ln\sigma - \frac{1}{2}\ln 2\pi - \frac{(x-\mu)^2}{2\sigma^2}. \label{eq:logN}
\end{align*}
""", "ccceec", 5, r"&= -\ln\sigma - \ln 2\pi - \frac{(x-\mu)^2}{2\sigma^2}. \label{eq:logN}"),
    ("collapse limit with downarrow and middle bar",
     r"""At its own mean the density grows without bound as the variance shrinks:
\begin{equation*}
\lim_{\sigma \downarrow 0} \mathcal{N}\left(x_n \middle| x_n, \sigma^2\right) = \infty
\end{equation*}
""", "ccec", 3, r"\lim_{\sigma \downarrow 0} \mathcal{N}\left(x_n \middle| x_n, \sigma^2\right) = 0"),
    ("two relations on one row",
     r"""Two facts we use below.
\begin{align*}
\ln \sigma^2 &= 2\ln\sigma, \qquad \ln \frac{1}{\sigma} = -\ln\sigma \\
\end{align*}
""", "cceec", 3, r"\ln \sigma^2 &= 2\ln\sigma, \qquad \ln \frac{1}{\sigma} = \ln\sigma \\"),
    ("rounded numbers with approx",
     r"""Numerically, for the standard normal:
\[ \mathcal{N}(0 \mid 0, 1) = \frac{1}{\sqrt{2\pi}} \approx 0.3989 \]
and one standard deviation away
$$ e^{-1/2} \approx 0.6065 $$
""", "cece", 4, r"$$ e^{-1/2} \approx 0.6064 $$"),
    ("gather of independent identities",
     r"""\begin{gather*}
\ln(\sigma \pi_1) = \ln \sigma + \ln \pi_1 \\
\exp(a + b) = e^{a} e^{b} \\
\sqrt{4\sigma^2} = 2\sigma
\end{gather*}
""", "ceeec", 4, r"\sqrt{4\sigma^2} = 4\sigma"),
    ("multline broken over lines",
     r"""Expanding the square:
\begin{multline*}
\frac{(x-\mu)^2}{2\sigma^2} = \frac{x^2}{2\sigma^2}
- \frac{x\mu}{\sigma^2} + \frac{\mu^2}{2\sigma^2}
\end{multline*}
""", "ccecc", 3, r"\frac{(x-\mu)^2}{2\sigma^2} = \frac{x^2}{\sigma^2}"),
    ("eqnarray with ampersands on both sides",
     r"""\begin{eqnarray*}
\ln \prod_{n=1}^{N} e^{-x_n^2} &=& \sum_{n=1}^{N} \ln e^{-x_n^2} \\
&=& -\sum_{n=1}^{N} x_n^2
\end{eqnarray*}
""", "ceec", 3, r"&=& -\sum_{n=1}^{N} x_n"),
    ("since annotation with quad",
     r"""Because the log is increasing,
\[ \ln\left(\pi_1 \mathcal{N}(x_1 \mid x_1, \sigma^2) + \pi_2 \mathcal{N}(x_1 \mid \mu_2, 1)\right) \geq \ln\left(\pi_1 \mathcal{N}(x_1 \mid x_1, \sigma^2)\right) \quad \text{since } \pi_2 > 0 \]
""", "cai", 2, r"\[ \ln\left(\pi_1 \mathcal{N}(x_1 \mid x_1, \sigma^2) + \pi_2 \mathcal{N}(x_1 \mid \mu_2, 1)\right) \leq \ln\left(\pi_1 \mathcal{N}(x_1 \mid x_1, \sigma^2)\right) \quad \text{since } \pi_2 > 0 \]"),
    ("tag and nonumber",
     r"""\begin{align}
\ln \frac{1}{\sqrt{2\pi}\sigma} &= -\ln\sigma - \frac{1}{2}\ln(2\pi) \nonumber \\
&= -\frac{1}{2}\ln(2\pi\sigma^2) \tag{9.1}
\end{align}
""", "ceec", 3, r"&= -\ln(2\pi\sigma^2) \tag{9.1}"),
    ("index letters over components",
     r"""The mixture log-likelihood, with the sum over components written with $j$:
\begin{align*}
\ln p(X \mid \pi, \mu, \Sigma) &= \sum_{n=1}^{N} \ln \left( \sum_{j=1}^{K} \pi_j \mathcal{N}(x_n \mid \mu_j, \sigma_j^2) \right) \\
&= \sum_{n} \ln \sum_{j} \pi_j \mathcal{N}(x_n \mid \mu_j, \sigma_j^2)
\end{align*}
""", "ccdec", 5, r"&= \sum_{n} \ln \sum_{j} \pi_j \mathcal{N}(x_n \mid \mu_j, \sigma_j)"),
    ("named density with powers in the conditioning list",
     r"""\begin{align*}
p(x \mid \mu, \sigma^2) &= \frac{1}{\sqrt{2\pi\sigma^2}} \exp\left(-\frac{(x-\mu)^2}{2\sigma^2}\right) \\
\ln p(x \mid \mu, \sigma^2) &= -\frac{1}{2}\ln(2\pi) - \ln\sigma - \frac{(x-\mu)^2}{2\sigma^2}
\end{align*}
""", "cdec", 3, r"\ln p(x \mid \mu, \sigma^2) &= -\frac{1}{2}\ln(2\pi) - 2\ln\sigma - \frac{(x-\mu)^2}{2\sigma^2}"),
    ("where-clause as a definition",
     r"""For the collapse of component $k$ onto $x_n$ the other points contribute
\begin{equation}
\lim_{\sigma \to 0^+} \left(-N \ln \sigma - \frac{S}{2\sigma^2}\right) = -\infty \quad \text{where } S = \sum_{m \ne n} (x_m - x_n)^2 > 0
\end{equation}
""", "ccddec", 3, r"\lim_{\sigma \to 0^+} \left(-N \ln \sigma - \frac{S}{2\sigma^2}\right) = \infty \quad \text{where } S = \sum_{m \ne n} (x_m - x_n)^2 > 0"),
    ("bold vectors and vert bars",
     r"""In one dimension the bold symbols are numbers:
\[ \left\vert \mathbf{x}_n - \boldsymbol{\mu}_k \right\vert^2 = (\mathbf{x}_n - \bm{\mu}_k)^2 \]
""", "ce", 2, r"\[ \left\vert \mathbf{x}_n - \boldsymbol{\mu}_k \right\vert^2 = (\mathbf{x}_n + \bm{\mu}_k)^2 \]"),
    ("responsibility written the PRML way",
     r"""With the responsibility $\gamma(z_{nk})$ of (9.13),
\begin{align*}
\frac{1}{N_k}\sum_{n=1}^{N} \gamma(z_{nk}) x_n &= \frac{\sum_{n=1}^{N} \gamma(z_{nk}) x_n}{N_k}
\end{align*}
""", "ccec", 3, r"\frac{1}{N_k}\sum_{n=1}^{N} \gamma(z_{nk}) x_n &= \frac{\sum_{n=1}^{N} \gamma(z_{nk})}{N_k}"),
    ("assumptions in LaTeX with a comma list",
     r"""assume: a > 0, b > 0
\begin{align*}
\ln\frac{a}{b} &= \ln a - \ln b \\
\ln(a^2 b) &= 2\ln a + \ln b
\end{align*}
""", "aceec", 4, r"\ln(a^2 b) &= \ln a + \ln b"),
    ("prose between two display blocks",
     r"""First the density at the mean:
\[ \mathcal{N}(x_1 \mid x_1, \sigma^2) = \frac{1}{\sqrt{2\pi}\,\sigma} \]
Setting $\mu = x_1$ and multiplying by $\sigma$:
\[ \sigma \, \mathcal{N}(x_1 \mid x_1, \sigma^2) = \frac{1}{\sqrt{2\pi}} \]
""", "cece", 4, r"\[ \sigma \, \mathcal{N}(x_1 \mid x_1, \sigma^2) = \frac{1}{2\pi} \]"),
    ("trailing percent comments",
     r"""assume: d \neq 0
\begin{align*}
\ln e^{-\frac{d^2}{2\sigma^2}} &= -\frac{d^2}{2\sigma^2} % the log undoes the exponential
\\
\lim_{\sigma \to 0^+} -\frac{d^2}{2\sigma^2} &= -\infty % d is not zero
\end{align*}
""", "acecec", 5, r"\lim_{\sigma \to 0^+} -\frac{d^2}{2\sigma^2} &= 0 % d is not zero"),
    ("a document with a preamble",
     r"""\documentclass{article}
\usepackage{amsmath}
\begin{document}
\section{Singularities}
When $\mu_k = x_n$ the exponent vanishes:
\begin{align*}
\mathcal{N}(x_n \mid x_n, \sigma_k^2) &= (2\pi\sigma_k^2)^{-1/2} \\
&= \frac{1}{\sqrt{2\pi}\,\sigma_k}
\end{align*}
\end{document}
""", "cccccceecc", 8, r"&= \frac{1}{2\pi\,\sigma_k}"),
    ("sum over points with the index letter alone",
     r"""\begin{align*}
\sum_{n} \left(x_n - \mu\right) &= \sum_{n=1}^{N} x_n - N\mu \\
\sum_{i} 1 &= N
\end{align*}
""", "ceec", 3, r"\sum_{i} 1 &= K"),
    ("therefore and rounding",
     r"""\begin{align*}
\frac{1}{8} &= 0.125 \\
\therefore\ 1 - \frac{1}{8} &\approx 0.875
\end{align*}
""", "ceec", 3, r"\therefore\ 1 - \frac{1}{8} &\approx 0.876"),
]
