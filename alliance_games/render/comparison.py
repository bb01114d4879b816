"""Renderings of a policy comparison (``compare``): terminal table, JSON, tidy CSV, booktabs LaTeX.

The subject is a :class:`~alliance_games.analysis.runs.ComparisonRun` (the model instance and its
:class:`~alliance_games.analysis.policies.PolicyComparison`). Options: ``scenario`` (``json``: the
scenario preset applied, if any) and ``standalone`` (``latex``: a compilable document).
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from alliance_games.analysis.policies import PolicyComparison
from alliance_games.analysis.reliability import RISK_KINDS, has_dual_risk
from alliance_games.analysis.runs import ComparisonRun
from alliance_games.render.formats import csv_text, dumps, run_header
from alliance_games.render.labels import Fitted, Wrapped
from alliance_games.render.numbers import decimal_text, json_number


def comparison_json(run: ComparisonRun, *, scenario: str | None = None) -> str:
    comparison = run.comparison
    policies = []
    for p in comparison.policies:
        cost = comparison.policy_cost(p)
        policies.append({
            "policy": p.policy,
            "reliable": p.reliable,
            "verdict": p.verdict,
            "leader_cost": json_number(cost) if cost is not None else None,
            "risks": {pl: {k: json_number(v) for k, v in r.items()} for pl, r in p.risks.items()},
            "dual_risk": sorted(pl for pl, r in p.risks.items() if has_dual_risk(r)),
            "tolerance_frontier": {k: json_number(v) for k, v in p.frontier.items()},
            "equilibria": [
                {"reliable": prof.reliable,
                 "risks": {pl: {k: json_number(v) for k, v in r.items()}
                           for pl, r in prof.risks.items()},
                 "payoffs": {pl: json_number(v) for pl, v in prof.payoffs.items()},
                 "measures": {m: json_number(v) for m, v in prof.measures.items()}}
                for prof in p.profiles
            ],
            "complete": p.complete,
        })
    return dumps({
        "model": run.instance.model.name,
        "scenario": scenario,
        "parameters": {k: json_number(v) for k, v in run.instance.values.items()},
        "tolerances": {k: json_number(v) for k, v in comparison.tolerances.items()},
        "risk_aggregate": ("worst over each policy's leader-preferred equilibria (--select)"
                           if comparison.selected else "worst over each policy's equilibria")
                          + " (per-equilibrium risks under 'equilibria')",
        "policies": policies,
        "leader_choice": comparison.chosen[0] if comparison.chosen else None,
        "leader_choices": list(comparison.chosen),
    })


def comparison_csv(run: ComparisonRun) -> str:
    comparison = run.comparison
    rows = []
    for p in comparison.policies:
        cost = comparison.policy_cost(p)
        rows += [[p.policy, player, json_number(risks["abandonment"]),
                  json_number(risks["entrapment"]), json_number(cost) if cost is not None else "",
                  p.verdict, p.reliable, len(p.profiles), p.policy in comparison.chosen]
                 for player, risks in p.risks.items()]
    return csv_text(["policy", "player", "abandonment", "entrapment", "leader_cost", "verdict",
                     "reliable", "equilibria", "leader_choice"], rows)


def _players(comparison: PolicyComparison) -> list[str]:
    first = comparison.policies[0]
    return [pl for pl in first.risks
            if any(any(p.risks[pl][k] > 0 for k in RISK_KINDS) for p in comparison.policies)]


def comparison_table(run: ComparisonRun) -> RenderableType:
    """The run's header (parameters off their defaults) above the comparison table."""
    model = run.instance.model
    return Group(run_header(model.title, model.name, run.instance.values, model.defaults()),
                 policy_table(run.comparison))


def policy_table(comparison: PolicyComparison) -> RenderableType:
    players = _players(comparison)
    tol = ", ".join(f"{k} <= {decimal_text(v, places=2)}"
                    for k, v in comparison.tolerances.items())
    which = "selected " if comparison.selected else ""
    table = Table(title=f"Risk by policy (abandonment / entrapment; worst over each policy's "
                        f"{which}equilibria); tolerances: {tol}",
                  title_justify="left", show_lines=False)
    table.add_column("policy", overflow="fold")  # never cut a name: fold it (issue 16)
    for player in players:
        table.add_column(Wrapped(player), justify="center", overflow="fold")
    table.add_column("leader cost", justify="right", overflow="fold")
    table.add_column("eq.", justify="right", overflow="fold")
    table.add_column("verdict", overflow="fold")
    for p in comparison.policies:
        cells = []
        for player in players:
            r = p.risks[player]
            text = Text(f"{decimal_text(r['abandonment'])} / {decimal_text(r['entrapment'])}")
            if any(r[k] > comparison.tolerances[k] for k in RISK_KINDS):
                text.stylize("red")
            cells.append(text)
        cost = comparison.policy_cost(p)
        name = Text(p.policy + (" *" if p.policy in comparison.chosen else ""),
                    style="bold" if p.reliable else "")
        verdict = Text(p.verdict, style="green" if p.reliable else
                       ("yellow" if p.verdict == "fragile" else "red"))
        table.add_row(name, *cells, decimal_text(cost) if cost is not None else "-",
                      f"{len(p.profiles)}{'' if p.complete else '+'}", verdict)
    kept = [p.policy for p in comparison.policies if p.reliable]
    note = Text(f"Keep reliability: {', '.join(kept) or 'none'}.  "
                f"* the leader's choice in the subgame-perfect equilibrium: "
                f"{', '.join(comparison.chosen) or '-'}.")
    if comparison.selected:
        note.append("  + selected (--select): in every subgame with information sets only the "
                    "equilibria best for the policy maker are kept; the verdict and the worst "
                    "risks are over those.")
    elif not all(p.complete for p in comparison.policies):
        note.append("  + more equilibria exist than were listed; the verdict and the worst "
                    "risks are over those listed.")
    return Group(Fitted(lambda: table), note)  # sized to the console, no name cut (issue 16)


def _tex(text: str) -> str:
    return text.replace("_", r"\_").replace("&", r"\&").replace("%", r"\%")


def comparison_latex(run: ComparisonRun, *, standalone: bool = False) -> str:
    """The comparison as a booktabs table captioned with the model's title."""
    return booktabs_comparison(run.instance.model.title, run.comparison, standalone=standalone)


def booktabs_comparison(title: str, comparison: PolicyComparison, *, standalone: bool = False
                        ) -> str:
    """A booktabs table: one row per policy, abandonment/entrapment per player."""
    players = _players(comparison)
    cols = "l" + "c" * len(players) + "rl"
    lines = [r"\begin{table}[htbp]", r"\centering",
             rf"\caption{{{_tex(title)}: abandonment / entrapment risk by policy}}",
             rf"\begin{{tabular}}{{{cols}}}", r"\toprule",
             "Policy & " + " & ".join(_tex(p) for p in players) + r" & Cost & Verdict \\",
             r"\midrule"]
    for p in comparison.policies:
        cells = []
        for player in players:
            r = p.risks[player]
            cells.append(f"{float(r['abandonment']):.3f} / {float(r['entrapment']):.3f}")
        cost = comparison.policy_cost(p)
        name = _tex(p.policy) + (r"$^{*}$" if p.policy in comparison.chosen else "")
        if p.reliable:
            name = rf"\textbf{{{name}}}"
        lines.append(" & ".join([name, *cells, f"{float(cost):.3f}" if cost is not None else "--",
                                 p.verdict]) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}",
              r"\par\smallskip{\footnotesize Bold: keeps reliability. $^{*}$: the leader's "
              r"subgame-perfect choice.}", r"\end{table}"]
    body = "\n".join(lines) + "\n"
    if standalone:
        body = ("\\documentclass{article}\n\\usepackage{booktabs}\n\\begin{document}\n" + body
                + "\\end{document}\n")
    return body
