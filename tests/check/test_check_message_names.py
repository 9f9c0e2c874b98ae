r"""Messages in the student's names (issue 21): every name a message or counterexample shows was written by
the student (``lambda`` stays ``lambda``, ``\varepsilon`` is ``varepsilon``), printed as they write it
(``sigma_k^2``, ``gamma_nk``, ``sum(f, n=1..N)``), never SymPy's spelling (``**``, ``Sum(``, ``_k``,
``gamma_n_k``) or an internal name."""

from __future__ import annotations

import pytest
import sympy as sp

from check_corpus import CORPUS
from check_corpus_em import CORPUS as EM_CORPUS
from gmm_math.derivations.check.names import written_spellings
from gmm_math.derivations.printing.text import DECIMALS, POWER, spelled, spelled_as, student_text
from gmm_math.numerics.check.runner import check_equal, check_limit, check_steps
from message_names import foreign_names, report_messages
from test_check_corpus import _planted
from tex_corpus import TEX_CORPUS

# homework written as students write it, each with one planted error
OWN: list[tuple[str, str]] = [
    ("LaTeX: pi_k by a Lagrange multiplier, PRML's gamma(z_nk)",
     "Maximise with a Lagrange multiplier $\\lambda$:\n\\begin{align*}\n"
     r"\frac{\partial}{\partial \pi_k}\left(\sum_{n=1}^{N}\sum_{j=1}^{K}\gamma(z_{nj})\ln\pi_j + \lambda\left("
     r"\sum_{j=1}^{K}\pi_j - 1\right)\right) &= \frac{\sum_{n=1}^{N}\gamma(z_{nk})}{\pi_k} + \lambda \\" "\n"
     r"\frac{\sum_{n=1}^{N}\gamma(z_{nk})}{\pi_k} + \lambda &= 0" "\n\\end{align*}\n"
     r"assume: \sum_{k=1}^{K} \pi_k = 1" "\n"
     r"\[ \Rightarrow \pi_k = \frac{\sum_{n=1}^{N}\gamma(z_{nk})}{\lambda} \]" "\n"),
    ("LaTeX: E-step responsibilities sum to one",
     "The responsibilities (PRML 9.23):\n"
     r"\[ \gamma(z_{nk}) = \frac{\pi_k \mathcal{N}(x_n \mid \mu_k, \Sigma_k)}{\sum_{j=1}^{K} \pi_j "
     r"\mathcal{N}(x_n \mid \mu_j, \Sigma_j)} \]" "\n"
     r"\[ \sum_{k=1}^{K} \gamma(z_{nk}) = 2 \]" "\n"),
    ("LaTeX: M-step sigma_k^2 divided by N",
     r"let: N_k = \sum_{n=1}^{N} \gamma(z_{nk})" "\n\\begin{align*}\n"
     r"\frac{\partial}{\partial \sigma_k^2} \sum_{n=1}^{N} \gamma(z_{nk}) \ln \mathcal{N}(x_n \mid \mu_k, \sigma_k^2) "
     r"&= \sum_{n=1}^{N} \gamma(z_{nk}) \left(\frac{(x_n - \mu_k)^2}{2\sigma_k^4} - \frac{1}{2\sigma_k^2}\right) \\"
     "\n"
     r"\sum_{n=1}^{N} \gamma(z_{nk}) \left(\frac{(x_n - \mu_k)^2}{2\sigma_k^4} - \frac{1}{2\sigma_k^2}\right) &= 0"
     "\n\\end{align*}\n"
     r"\[ \implies \sigma_k^2 = \frac{1}{N} \sum_{n=1}^{N} \gamma(z_{nk}) (x_n - \mu_k)^2 \]" "\n"),
    ("LaTeX: Jensen's bound the wrong way",
     r"assume: \sum_{k=1}^{K} q_k = 1" "\n"
     r"\[ \ln \sum_{k=1}^{K} q_k \frac{\pi_k \mathcal{N}(x \mid \mu_k, \sigma_k^2)}{q_k} \le \sum_{k=1}^{K} q_k "
     r"\ln \frac{\pi_k \mathcal{N}(x \mid \mu_k, \sigma_k^2)}{q_k} \]" "\n"),
    ("LaTeX: ridge bound with varepsilon",
     "assume: \\varepsilon > 0\n"
     r"\[ \ln(\sigma^2 + \varepsilon) \ge \ln \varepsilon \]" "\n"
     r"\[ \frac{1}{\sigma^2 + \varepsilon} \ge \frac{1}{\varepsilon} \]" "\n"),
    ("ASCII: ridge limit with epsilon",
     "assume: epsilon > 0\nlimit(log(sigma^2 + epsilon), sigma, 0) = log(epsilon) + 1\n"
     "limit(1/(sigma^2 + epsilon), epsilon, 0, +) = 0\n"),
    ("LaTeX: K-means limit and a varepsilon limit",
     "assume: b > a, a \\ge 0\n"
     r"\[ \lim_{\epsilon \to 0^+} \frac{\exp(-a/(2\epsilon))}{\exp(-a/(2\epsilon)) + \exp(-b/(2\epsilon))} = "
     r"\frac{1}{2} \]" "\n"
     r"\[ \lim_{\varepsilon \downarrow 0} \varepsilon \ln \varepsilon = 1 \]" "\n"),
    ("unicode as the tool prints it",
     "assume: ε > 0\nlog(σ² + ε) = log(σ²) + ε\n∑_{n=1}^N (xₙ − μ) = ∑_{n=1}^N xₙ + N μ\n"),
    ("ASCII: mu_k divided by N",
     "let: gamma_nk = pi_k*N(x_n | mu_k, sigma_k^2)/sum(pi_j*N(x_n | mu_j, sigma_j^2), j=1..K)\n"
     "sum(gamma_nk*(x_n - mu_k), n=1..N) = 0\nmu_k = sum(gamma_nk*x_n, n=1..N)/N\n"),
    ("ASCII: lambda solved wrongly",
     "let: N_k = sum(gamma_nk, n=1..N)\n"
     "d/dpi_k (sum(sum(gamma_nj*log(pi_j), j=1..K), n=1..N) + lambda*(sum(pi_j, j=1..K) - 1)) = "
     "sum(gamma_nk, n=1..N)/pi_k + lambda\n"
     "sum(gamma_nk, n=1..N)/pi_k + lambda = 0\nassume: sum(pi_k, k=1..K) = 1\n=> pi_k = N_k/lambda\n"),
]


def _assert_in_students_names(text: str) -> dict:
    report = check_steps(text, timeout=None)["report"]
    foreign = {message: found for message in report_messages(report) if (found := foreign_names(message, text))}
    assert not foreign, foreign
    return report


def test_a_message_naming_what_the_student_did_not_write_is_caught():
    """The property can fail: SymPy's and the checker's own spellings are foreign to the student's file."""
    text = "sum(gamma_nk, n=1..N)/pi_k + lambda = 0\n"
    for message in ("lam = -3.0", "where Sum(gamma_n_k, (n, 1, N))", "_k = 2", "u_pi_1 = 0.5", "sigm...",
                    "eps = 1.2", "Dummy_12", "r_1,2 = 0.3"):
        assert foreign_names(message, text), message
    assert foreign_names("at N = 3, gamma_1,2 = 0.3, lambda = -3.0, pi_1 = 0.5: sum(gamma_nk, n=1..N) is not 0",
                         text) == []


@pytest.mark.parametrize("text", [text for _, text in OWN], ids=[name for name, _ in OWN])
def test_own_homework_with_an_error_is_told_in_the_students_names(text):
    report = _assert_in_students_names(text)
    assert report["verdict"] == "fails"


@pytest.mark.parametrize(("text", "line", "replacement"), [(text, line, wrong) for _, text, _, line, wrong in CORPUS],
                         ids=[name for name, *_ in CORPUS])
def test_a_planted_error_is_told_in_the_students_names(text, line, replacement):
    _assert_in_students_names(_planted(text, line, replacement))


@pytest.mark.parametrize(("text", "line", "replacement"),
                         [(text, line, wrong) for _, text, _, line, wrong in TEX_CORPUS],
                         ids=[name for name, *_ in TEX_CORPUS])
def test_a_planted_error_in_a_tex_file_is_told_in_the_students_names(text, line, replacement):
    _assert_in_students_names(_planted(text, line, replacement))


@pytest.mark.slow
@pytest.mark.parametrize(("text", "line", "replacement"),
                         [(text, line, wrong) for _, text, _, line, wrong in EM_CORPUS],
                         ids=[name for name, *_ in EM_CORPUS])
def test_a_planted_error_in_an_em_derivation_is_told_in_the_students_names(text, line, replacement):
    _assert_in_students_names(_planted(text, line, replacement))


# ----------------------------------------------------------------------------------------------
# the pieces: spellings of a file, the printer


@pytest.mark.parametrize(("text", "spellings"), [
    ("lambda*(sum(pi_j, j=1..K) - 1)", {"lam": "lambda"}),
    (r"\frac{N_k}{\pi_k} + \lambda = 0", {"lam": "lambda"}),
    ("lam + 1", {}),
    (r"assume: \varepsilon > 0, L_\epsilon", {"eps": "varepsilon"}),
    ("eps_k + epsilon", {}),  # the first spelling is the student's
    ("λ + ε", {"lam": "lambda", "eps": "epsilon"}),
    (r"\varphi(x) + lambdas + xlam", {"phi": "varphi"}),  # parts of longer words are not names
])
def test_written_spellings_are_the_files_first(text, spellings):
    assert written_spellings(text) == spellings


def test_the_student_printer_writes_as_a_student_does():
    n, k, j = (sp.Symbol(letter, integer=True) for letter in "nkj")
    gamma, x = sp.IndexedBase("gamma"), sp.IndexedBase("x")
    sigma, mu, lam = sp.Symbol("sigma_k", positive=True), sp.Symbol("mu_k"), sp.Symbol("lam")
    expr = sp.Sum(gamma[n, k] * (x[n] - mu) / sigma ** 2, (n, 1, sp.Symbol("N")), (k, 1, sp.Symbol("K")))
    shown = student_text(expr + lam + sp.Dummy("j") / sigma ** 4 + x[n + 1])
    for written in ("gamma_nk", "sigma_k^2", "sum(sum(", "n=1..N), k=1..K)", "lam", "j/sigma_k^4", "x_{n + 1}"):
        assert written in shown, (written, shown)
    for sympys in ("**", "Sum(", "gamma_n_k", "_j", "(-4)"):
        assert sympys not in shown, (sympys, shown)
    with spelled_as({"lam": "lambda"}):
        assert student_text(lam * sigma) == "lambda*sigma_k"
        assert spelled("L_lam") == "L_lambda"
    assert student_text(lam) == "lam"  # outside a checked file, the name as read


def test_a_lagrange_multiplier_keeps_its_ascii_spelling():
    text = dict(OWN)["ASCII: lambda solved wrongly"]
    report = check_steps(text, timeout=None)["report"]
    failing = report["lines"][-1]
    assert failing["verdict"] == "fails"
    assert "lambda = -3.0" in failing["reason"] and "lam " not in failing["reason"]
    condition = report["lines"][2]["text"]
    assert "sum(gamma_nk, n=1..N)/pi_k + lambda = 0" == condition


def test_a_lagrange_multiplier_in_latex_is_read_back_as_lambda():
    report = _assert_in_students_names(OWN[0][1])
    reasons = " ".join(line["reason"] or "" for line in report["lines"])
    assert "lambda = -3.0" in reasons and "lam " not in reasons and "lam)" not in reasons


def test_a_student_who_writes_lam_reads_lam():
    text = "sum(gamma_nk, n=1..N)/pi_k + lam = 0\nassume: sum(pi_k, k=1..K) = 1\n=> pi_k = sum(gamma_nk, n=1..N)/lam\n"
    report = check_steps("d/dpi_k (sum(sum(gamma_nj*log(pi_j), j=1..K), n=1..N) + lam*(sum(pi_j, j=1..K) - 1)) = "
                         "sum(gamma_nk, n=1..N)/pi_k + lam\n" + text, timeout=None)["report"]
    assert report["lines"][-1]["verdict"] == "fails"
    assert "lam = -" in report["lines"][-1]["reason"] and "lambda" not in report["lines"][-1]["reason"]


def test_a_consequence_quotes_its_condition_as_typed():
    text = ("sum(r_nk*(x_n - mu_k), n=1..N)/sigma_k^2 = 0\n"
            "so mu_k = sum(r_nk*x_n, n=1..N)/sum(r_nk, n=1..N)\n")
    report = check_steps("Q = sum(r_nk*logN(x_n | mu_k, sigma_k^2), n=1..N)\n"
                         "diff(Q, mu_k) = sum(r_nk*(x_n - mu_k), n=1..N)/sigma_k^2\n" + text, timeout=None)["report"]
    reason = report["lines"][-1]["reason"]
    assert report["lines"][-1]["verdict"] == "implied", reason
    assert "the condition sum(r_nk*(x_n - mu_k), n=1..N)/sigma_k^2 = 0" in reason, reason
    assert "**" not in reason and "r_n_k" not in reason


def test_check_equal_and_limit_use_the_students_epsilon():
    equal = check_equal("exp(-a/(2*epsilon))", "exp(-a/epsilon)")["report"]
    assert "epsilon" in equal["counterexample"]["point"] and "eps" not in equal["counterexample"]["point"]
    limit = check_limit("1/(sigma^2 + epsilon)", "sigma", "0", "1/epsilon + 1", assume=["epsilon > 0"])
    assert "epsilon" in str(limit["summary"]) and "eps)" not in str(limit["summary"])


def test_a_count_is_never_negative_in_a_counterexample():
    point = check_equal("N_1 + N_2", "N")["report"]["counterexample"]["point"]
    assert float(point["N_1"]) > 0 and float(point["N_2"]) > 0, point


def test_powers_are_printed_as_the_file_writes_them():
    assert written_spellings("d**2/sigma**2") == {POWER: "**"}
    assert written_spellings("d**2/sigma^2") == {}
    starred = check_steps("x*sigma**2/2 = x*sigma**2\n", timeout=None)["report"]["lines"][0]["reason"]
    hatted = check_steps("x*sigma^2/2 = x*sigma^2\n", timeout=None)["report"]["lines"][0]["reason"]
    assert "the sigma**2*x term is off by a factor 2" in starred and "^" not in starred
    assert "the sigma^2*x term is off by a factor 2" in hatted and "**" not in hatted


def test_the_counterexample_of_a_one_line_relation_is_not_told_as_two_lines(tmp_path, cli):
    """Both sides of ``A >= B`` are on the one line: LHS and RHS, as the line's reason says (no "previous line")."""
    path = tmp_path / "ridge.tex"
    path.write_text(dict(OWN)["LaTeX: ridge bound with varepsilon"], encoding="utf-8")
    result = cli("check", "steps", str(path))
    assert result.exit_code == 1, result.stdout
    counter = next(line for line in result.stdout.splitlines() if line.startswith("counterexample"))
    assert "previous line" not in counter and "LHS = " in counter and "varepsilon = " in counter, counter


def test_numbers_are_printed_as_decimals_where_the_file_writes_decimals():
    lines = check_steps("x^2 + 0.25 = x^2\nlimit(0.5*sigma + 1.25, sigma, 0) = 1.2\n", timeout=None)["report"]["lines"]
    assert "missing 0.25" in lines[0]["reason"] and "1/4" not in lines[0]["reason"]
    assert "the limit is 1.25, not 1.2" in lines[1]["reason"]
    fractions = check_steps("x^2 + 1/4 = x^2\n", timeout=None)["report"]["lines"]
    assert "missing 1/4" in fractions[0]["reason"]
    with spelled_as({DECIMALS: "decimal"}):
        assert [student_text(sp.Rational(p, q)) for p, q in ((1, 3), (3, 8), (-7, 2), (1, 2 ** 20))] == [
            "1/3", "0.375", "-3.5", "1/1048576"]


def test_a_power_of_ten_is_printed_as_written():
    reason = check_steps("sigma*10^(-35)\n= sigma*10^(-36)\n", timeout=None)["report"]["lines"][1]["reason"]
    assert "sigma/10^36" in reason and "000000" not in reason, reason
    assert student_text(sp.Rational(1, 10 ** 36)) == "1/10^36" and student_text(sp.Integer(2 * 10 ** 9)) == "2000000000"
