"""mkdocs hooks for the documentation site (``hooks:`` in mkdocs.yml); nothing here is part of the
package.

- The docstrings use Sphinx roles (``:class:`~alliance_games.solvers.result.SolverResult```), which
  mkdocstrings leaves as written. They become code, linked when they name a documented object: by
  its full path, or by a name that ends exactly one documented path (``SolverResult``); a leading
  ``~`` shows only the last component, as in Sphinx.
- The click commands' help keeps its example blocks (``\\b`` paragraphs, indented two spaces) as
  preformatted text instead of one run-on paragraph.
"""

from __future__ import annotations

import re
from typing import Any

ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj|const):<code>(~?)([\w.]+)((?:\(\))?)</code>")
ANCHOR = re.compile(r'id="(alliance_games(?:\.\w+)+)"')
EXAMPLES = re.compile(r"<p>([^<\n]+:)\n((?:  [^\n]*(?:\n|(?=</p>)))+)</p>")


def on_page_content(html: str, **kwargs: Any) -> str:
    """A command's example block (a line ending with ``:``, then lines indented two spaces) as
    preformatted text."""
    return EXAMPLES.sub(lambda m: f"<p>{m[1]}</p>\n<pre><code>{_dedent(m[2])}</code></pre>", html)


def _dedent(lines: str) -> str:
    return "\n".join(line[2:] for line in lines.rstrip("\n").split("\n"))


def on_env(env: Any, config: Any, files: Any, **kwargs: Any) -> Any:
    """Roles to code, linked through mkdocs-autorefs (whose ``on_env`` runs later and resolves
    the ``autoref`` tags) when the target is a documented object."""
    pages = [file.page for file in files if file.page is not None and file.page.content]
    documented = {name for page in pages for name in ANCHOR.findall(page.content)}
    by_suffix: dict[str, set[str]] = {}
    for name in documented:
        parts = name.split(".")
        for start in range(1, len(parts)):
            by_suffix.setdefault(".".join(parts[start:]), set()).add(name)

    def role(match: re.Match[str]) -> str:
        short, target, call = match[1], match[2], match[3]
        shown = (target.rsplit(".", 1)[-1] if short else target) + call
        candidates = {target} if target in documented else by_suffix.get(target, set())
        if len(candidates) != 1:
            return f"<code>{shown}</code>"
        return f'<autoref identifier="{next(iter(candidates))}" optional><code>{shown}</code></autoref>'

    for page in pages:
        page.content = ROLE.sub(role, page.content)
    return env
