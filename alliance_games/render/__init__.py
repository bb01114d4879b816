"""Writing results: terminal tables, JSON, CSV, LaTeX, Gambit lines and plots.

Organised by subject: one module per kind of result, holding every format that result has, so
that a subject's formats share its helpers (which players get a column, the boundaries of a
sweep, the regimes of a grid) and a new kind of result is one new module. The subjects:
:mod:`~alliance_games.render.solve` (equilibria of a solve), :mod:`~alliance_games.render.symbolic`
(``solve --symbolic``), :mod:`~alliance_games.render.instance` (a model at fixed values, ``show``),
:mod:`~alliance_games.render.export` (LaTeX tables and trees of a game),
:mod:`~alliance_games.render.comparison`, :mod:`~alliance_games.render.dominance`,
:mod:`~alliance_games.render.sweep`, :mod:`~alliance_games.render.threshold`,
:mod:`~alliance_games.render.propositions`, :mod:`~alliance_games.render.catalog` (``models``),
:mod:`~alliance_games.render.report` (a whole LaTeX article) and
:mod:`~alliance_games.render.plots` (figures, written to files).

What every format shares lives apart: :mod:`~alliance_games.render.numbers` (how numbers are
written in each format) and :mod:`~alliance_games.render.formats` (JSON dumping, CSV tables,
LaTeX escaping and documents, the terminal's run header).

:mod:`~alliance_games.render.dispatch` picks the renderer from the result's type and the format
(one table); commands call ``render(result, fmt, **options)`` and print what it returns.
Renderers format only: they never solve and never print.
"""
