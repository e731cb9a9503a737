"""The package's layers stay visible: no reach-ins to another subpackage's privates, no cycles,
no import from a lower layer to a higher one.

Every module under ``framing/`` is parsed (never imported) and every import it can make is
collected: ``import`` and ``from ... import`` statements anywhere in the file (inside functions
too: an import deferred to call time is still a dependency), ``importlib.import_module``
calls whose module is a string literal or a module-level string constant, and the submodules
named in a ``lazy_exports(__name__, {...})`` table (a package face's lazy imports). Relative
imports are resolved against the importing module's package. ``from pkg import name`` counts
as importing the submodule ``pkg.name`` when that file exists, else as importing ``pkg`` and
taking its attribute ``name``. Package data read with ``importlib.resources.files("pkg")``
(and a literal ``.joinpath(...)``) counts as reading that package's files.

The visibility rule
-------------------
A name starting with one underscore (a module, a subpackage or an attribute; dunder names
excepted) is private to the package that contains it and may be imported only from inside that
package. For a private module or subpackage the containing package is its parent; for a private
attribute it is the package of the module defining it. Hence:

* inside a subpackage, modules share their privates freely
  (``framing.features._loaded`` may import ``framing.features._base._helper``);
* the top level of ``framing/`` is one package, so its private modules and subpackages
  (``framing._config``, ``framing._lazy``, ``framing._validation``, ``framing._fetch``...) are
  the shared internals every module may import; ``framing.io`` and ``framing.schema`` are public;
* another subpackage is reached only through its public face
  (``from framing.features import get_encoder``, never ``framing.features._embeddings``), and a
  private module of a shared internal package is sealed as well (``framing._fetch._x`` is for
  ``framing._fetch`` only);
* a package's data files are its own: another package asks it through a public function
  rather than opening ``framing/lexicons/data/...`` itself.

The cycle rule
--------------
No module may import itself through others, counting every import above (package data reads
excepted). An import inside a function hides a cycle at import time, not the tangle: such
modules can no longer be read, tested or moved one at a time.

The layer rule
--------------
:data:`LAYERS` is the diagram of ``architecture.md`` ("Inside framing/: the layers"), lowest
first: shared internals and contracts; resources and corpora; scorers; estimators and
statistics; the faces a user calls. Every module belongs to exactly one layer: that of the
longest entry naming it or a package above it (the root package ``framing`` names only its
own ``__init__``, which holds the version). A module may import its own layer and the layers
below, never a higher one, counting every import above (inside functions and lazy exports
included: a deferred import still ties the lower layer to the higher one).

Not seen: imports whose module name is computed at run time (other than the constants above)
and files found through ``__file__`` path arithmetic.

Known violations owned by work in progress sit in :data:`ALLOWED_REACH_INS`,
:data:`ALLOWED_CYCLES` and :data:`ALLOWED_LAYER_VIOLATIONS`, each with its reason. An allowed
entry that no longer occurs fails too, so the lists only shrink.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "framing"

#: ``"importer -> the private module, attribute or package data it reaches"``: tolerated until
#: the work named in the reason moves them; remove an entry when it is fixed.
ALLOWED_REACH_INS: dict[str, str] = {}

#: Import cycles tolerated for now: the sorted modules of the cycle -> why.
ALLOWED_CYCLES: dict[tuple[str, ...], str] = {}

#: The layers of ``framing/``, lowest first: (name, the modules and packages in it). A module
#: takes the layer of the longest entry that is it or a package above it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # The root package only holds ``__version__``; the shared internals below are the
    # top-level private modules and the contracts every layer may use. The pretrained-model
    # loader fetches and verifies weights for features and models alike, so it sits here
    # and must never import the scorers that use it.
    ("shared internals", ("framing", "framing.io", "framing.schema", "framing.tokenize",
                          "framing._fetch", "framing._validation", "framing._config",
                          "framing._lazy", "framing._progress", "framing._device",
                          "framing._safety", "framing._tables", "framing._timezones",
                          "framing._warnings", "framing._dask", "framing._pretrained")),
    ("resources and corpora", ("framing.lexicons", "framing.collect", "framing.datasets")),
    # framing.utils holds check_scorer, the common checks of the scorers beside it.
    ("scorers", ("framing.features", "framing.stream", "framing.utils")),
    ("estimators and statistics", ("framing.models", "framing.compare")),
    # The entry points that live elsewhere for compatibility (``python -m framing``,
    # ``python -m framing.collect``, the deprecated framing.score_cli and
    # framing.collect.cli) only hand over to framing.cli: they are faces too.
    ("faces", ("framing.cli", "framing.report", "framing.plot", "framing.explore",
               "framing.__main__", "framing.score_cli", "framing.collect.cli",
               "framing.collect.__main__")),
)

#: ``"importer -> imported module"`` going up the layers, tolerated until the work named in
#: the reason fixes it; remove an entry when it is fixed.
ALLOWED_LAYER_VIOLATIONS: dict[str, str] = {}


@dataclass(frozen=True)
class Edge:
    """One dependency: ``importer`` imports ``target`` (taking its attribute ``name``), or,
    with ``data`` set, opens package ``target``'s data files."""

    importer: str
    target: str
    name: str | None
    line: int
    data: bool = False

    @property
    def imported(self) -> str:
        """The dotted name imported: the module, or the module's attribute."""
        return f"{self.target}.{self.name}" if self.name else self.target


def _is_private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _constants(tree: ast.Module) -> dict[str, object]:
    """Module-level ``NAME = <literal>`` bindings (strings and tables of strings)."""
    constants = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            constants.update((t.id, value) for t in targets if isinstance(t, ast.Name))
    return constants


class Package:
    """The import graph of the package in ``root`` (a folder holding ``__init__.py``)."""

    def __init__(self, root: Path):
        self.root = root
        self.name = root.name
        self.modules: dict[str, Path] = {}
        for path in sorted(root.rglob("*.py")):
            parts = path.relative_to(root.parent).with_suffix("").parts
            self.modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
        self.packages = {name for name, path in self.modules.items()
                         if path.name == "__init__.py"}

    def where(self, edge: Edge) -> str:
        """``file:line`` of an edge, relative to the package's parent folder."""
        return f"{self.modules[edge.importer].relative_to(self.root.parent)}:{edge.line}"

    def package_of(self, module: str) -> str:
        """The package a module's relative imports resolve against."""
        return module if module in self.packages else module.rpartition(".")[0]

    def resolve(self, importer: str, name: str, level: int) -> str:
        """Absolute name of ``name`` imported with ``level`` leading dots by ``importer``."""
        if level == 0:
            return name
        base = self.package_of(importer).split(".")
        if level - 1 >= len(base):
            raise ValueError(f"{self.modules[importer]}: relative import beyond the package")
        return ".".join(base[:len(base) - (level - 1)] + ([name] if name else []))

    def _dynamic(self, name: object, package: object) -> str | None:
        """Absolute name of ``importlib.import_module(name, package)``, when both are known."""
        if not isinstance(name, str):
            return None
        level = len(name) - len(name.lstrip("."))
        if level == 0:
            return name
        if not isinstance(package, str) or package not in self.packages:
            return None
        return self.resolve(package, name[level:], level)

    def _data_owner(self, package: str, relative: str) -> str:
        """The innermost package holding ``relative`` (a path inside ``package``'s folder)."""
        owner = package
        for part in Path(relative).parts[:-1] if relative else ():
            if f"{owner}.{part}" not in self.packages:
                break
            owner = f"{owner}.{part}"
        return owner

    def imports_of(self, importer: str) -> list[Edge]:
        """Every import of a module of this package made by the module ``importer``."""
        path = self.modules[importer]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        constants = _constants(tree)
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

        def value(node: ast.expr):
            if isinstance(node, ast.Name):
                if node.id == "__name__":
                    return importer
                if node.id == "__package__":
                    return self.package_of(importer)
                return constants.get(node.id)
            try:
                return ast.literal_eval(node)
            except ValueError:
                return None

        found: list[Edge] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [Edge(importer, alias.name, None, node.lineno) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = self.resolve(importer, node.module or "", node.level)
                for alias in node.names:
                    if f"{base}.{alias.name}" in self.modules:
                        found.append(Edge(importer, f"{base}.{alias.name}", None, node.lineno))
                    else:
                        name = None if alias.name == "*" else alias.name
                        found.append(Edge(importer, base, name, node.lineno))
            elif isinstance(node, ast.Call) and node.args:
                called = _called_name(node)
                if called == "import_module":
                    package = value(node.args[1]) if len(node.args) > 1 else None
                    target = self._dynamic(value(node.args[0]), package)
                    if target is not None:
                        found.append(Edge(importer, target, None, node.lineno))
                elif called == "lazy_exports" and len(node.args) > 1:
                    package, table = value(node.args[0]), value(node.args[1])
                    for name, module in (table.items() if isinstance(table, dict) else ()):
                        target = self._dynamic(module, package)
                        if target is not None:
                            found.append(Edge(importer, target, name, node.lineno))
                elif called == "files":
                    package = value(node.args[0])
                    if isinstance(package, str):
                        attribute, call = parents.get(node), None
                        if isinstance(attribute, ast.Attribute) and attribute.attr == "joinpath":
                            call = parents.get(attribute)
                        relative = value(call.args[0]) if isinstance(call, ast.Call) \
                            and call.args else ""
                        owner = self._data_owner(package, relative if isinstance(relative, str)
                                                 else "")
                        found.append(Edge(importer, owner, None, node.lineno, data=True))
        return [edge for edge in found
                if edge.target == self.name or edge.target.startswith(self.name + ".")]

    @cached_property
    def edges(self) -> list[Edge]:
        """Every import (and package data read) of every module."""
        return [edge for name in self.modules for edge in self.imports_of(name)]

    def _inside(self, module: str, package: str) -> bool:
        return module == package or module.startswith(package + ".")

    def hidden(self, edge: Edge) -> str | None:
        """What ``edge`` reaches from outside its package: a private name or package files."""
        if edge.data:
            return None if self._inside(edge.importer, edge.target) else \
                f"files of {edge.target}"
        parts = edge.imported.split(".")
        for position in range(1, len(parts)):
            if _is_private(parts[position]):
                container = ".".join(parts[:position])
                scope = container if container in self.packages else container.rpartition(".")[0]
                if not self._inside(edge.importer, scope):
                    return ".".join(parts[:position + 1])
        return None

    def reach_ins(self) -> dict[str, list[Edge]]:
        """``"importer -> what it reaches"`` -> the statements doing so."""
        found: dict[str, list[Edge]] = {}
        for edge in self.edges:
            what = self.hidden(edge)
            if what is not None:
                found.setdefault(f"{edge.importer} -> {what}", []).append(edge)
        return found

    def graph(self) -> dict[str, set[str]]:
        """Module -> the modules it imports (package data reads and self-imports left out)."""
        graph: dict[str, set[str]] = {name: set() for name in self.modules}
        for edge in self.edges:
            if not edge.data and edge.target in graph and edge.target != edge.importer:
                graph[edge.importer].add(edge.target)
        return graph

    def cycles(self) -> dict[tuple[str, ...], list[str]]:
        """Each group of mutually importing modules (sorted) -> a path around one cycle."""
        graph = self.graph()
        return {tuple(sorted(group)): _path_around(group, graph)
                for group in _strongly_connected(graph) if len(group) > 1}


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components, iteratively (no recursion limit to mind)."""
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        index[root] = lowlink[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(sorted(graph[root])))]
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = lowlink[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    lowlink[node] = min(lowlink[node], index[successor])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    lowlink[parent] = min(lowlink[parent], lowlink[node])
                if lowlink[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    groups.append(group)
    return groups


def _path_around(group: set[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest cycle through the group's first module (breadth-first), to name in a failure."""
    start = min(group)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for successor in sorted(graph[node] & group):
                if successor == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if successor not in previous:
                    previous[successor] = node
                    following.append(successor)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # a strongly connected group has one


def layer_of(module: str, layers=LAYERS, root: str = "framing") -> int | None:
    """Index in ``layers`` of the layer holding ``module`` (None when no entry names it)."""
    best, depth = None, -1
    for index, (_, members) in enumerate(layers):
        for member in members:
            covers = module == member or (member != root and module.startswith(member + "."))
            if covers and member.count(".") > depth:
                best, depth = index, member.count(".")
    return best


def layer_violations(package: Package, layers=LAYERS) -> dict[str, list[Edge]]:
    """``"importer -> imported module"`` -> the statements importing from a higher layer."""
    found: dict[str, list[Edge]] = {}
    for edge in package.edges:
        if edge.data or edge.target not in package.modules:
            continue
        low, high = (layer_of(edge.importer, layers, package.name),
                     layer_of(edge.target, layers, package.name))
        if low is not None and high is not None and high > low:
            found.setdefault(f"{edge.importer} -> {edge.target}", []).append(edge)
    return found


# -- the checks on framing/ --------------------------------------------------------------------

@pytest.fixture(scope="module")
def framing_package() -> Package:
    return Package(PACKAGE_DIR)


def test_no_reach_into_another_subpackages_privates(framing_package):
    found = framing_package.reach_ins()
    new = {key: edges for key, edges in found.items() if key not in ALLOWED_REACH_INS}
    lines = [f"{framing_package.where(edge)}: {key} (imports {edge.imported})"
             if not edge.data else f"{framing_package.where(edge)}: {key}"
             for key, edges in sorted(new.items()) for edge in edges]
    assert not new, ("private modules, names or package files reached from outside their "
                     "package; import the package's public face instead, or move the shared "
                     "helper below both (see this test's docstring):\n" + "\n".join(lines))


def test_allowed_reach_ins_still_occur(framing_package):
    gone = sorted(set(ALLOWED_REACH_INS) - set(framing_package.reach_ins()))
    assert not gone, f"fixed, so remove from ALLOWED_REACH_INS in {__file__}: {gone}"


def test_no_import_cycles(framing_package):
    found = framing_package.cycles()
    new = {group: path for group, path in found.items() if group not in ALLOWED_CYCLES}
    assert not new, "import cycles (imports inside functions included):\n" + "\n".join(
        " -> ".join(path) for path in new.values())


def test_allowed_cycles_still_occur(framing_package):
    gone = sorted(set(ALLOWED_CYCLES) - set(framing_package.cycles()))
    assert not gone, f"fixed, so remove from ALLOWED_CYCLES in {__file__}: {gone}"


def test_every_module_sits_in_a_layer(framing_package):
    homeless = sorted(m for m in framing_package.modules if layer_of(m) is None)
    assert not homeless, f"modules in no layer of LAYERS in {__file__}: {homeless}"


def test_lower_layers_never_import_higher_ones(framing_package):
    found = layer_violations(framing_package)
    new = {key: edges for key, edges in found.items() if key not in ALLOWED_LAYER_VIOLATIONS}
    names = [name for name, _ in LAYERS]
    lines = [f"{framing_package.where(edge)}: {key} ({names[layer_of(edge.importer)]} imports "
             f"{names[layer_of(edge.target)]})"
             for key, edges in sorted(new.items()) for edge in edges]
    assert not new, ("imports from a higher layer (layers lowest first: " + ", ".join(names)
                     + "); move the shared code down or pass it in as an argument:\n"
                     + "\n".join(lines))


def test_allowed_layer_violations_still_occur(framing_package):
    gone = sorted(set(ALLOWED_LAYER_VIOLATIONS) - set(layer_violations(framing_package)))
    assert not gone, f"fixed, so remove from ALLOWED_LAYER_VIOLATIONS in {__file__}: {gone}"


def test_allowlist_entries_give_reasons():
    reasons = (list(ALLOWED_REACH_INS.values()) + list(ALLOWED_CYCLES.values())
               + list(ALLOWED_LAYER_VIOLATIONS.values()))
    assert all(isinstance(r, str) and r.strip() for r in reasons)


def test_compare_estimators_share_helpers_without_importing_each_other(framing_package):
    """The cycle ``_bootstrap -> _distributed -> _fightin -> _bootstrap`` once hid behind
    imports inside functions; the shared helpers now live in ``compare/_common.py``."""
    graph = framing_package.graph()
    common = "framing.compare._common"
    assert not {m for m in graph[common] if m.startswith("framing.compare.")}
    for estimator in ("_bootstrap", "_same_event", "_agreement"):
        imported = graph[f"framing.compare.{estimator}"]
        assert common in imported
        assert not imported & {"framing.compare._fightin", "framing.compare._distributed",
                               "framing.compare._bootstrap"}


def test_models_take_the_text_check_from_the_shared_validation(framing_package):
    graph = framing_package.graph()
    for module in ("_frames", "_text", "_transformer"):
        imported = graph[f"framing.models.{module}"]
        assert "framing._validation" in imported
        assert "framing.features._base" not in imported


# -- the checker itself, on small made-up packages -----------------------------------------

def _make_package(tmp_path: Path, files: dict[str, str]) -> Package:
    root = tmp_path / "framing"
    for relative, source in {"__init__.py": "", **files}.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return Package(root)


def test_checker_sees_a_reach_in_hidden_inside_a_function(tmp_path):
    package = _make_package(tmp_path, {
        "features/__init__.py": "",
        "features/_base.py": "def as_texts(x):\n    return x\n",
        "models/__init__.py": "",
        "models/_text.py": """
            def fit(X):
                from ..features._base import as_texts
                return as_texts(X)
            """,
    })
    found = package.reach_ins()
    key = "framing.models._text -> framing.features._base"
    assert list(found) == [key]
    assert [package.where(edge) for edge in found[key]] == [str(Path("framing/models/_text.py:3"))]


def test_checker_allows_own_privates_shared_internals_and_public_faces(tmp_path):
    package = _make_package(tmp_path, {
        "_validation.py": "def as_texts(x):\n    return x\n",
        "_fetch/__init__.py": "from ._cache import cached\n",
        "_fetch/_cache.py": "def cached():\n    pass\n",
        "features/__init__.py": "from ._base import as_texts, _helper\n",
        "features/_base.py": "from .._validation import as_texts\n_helper = 1\n",
        "features/_loaded.py": "from ._base import _helper\nfrom .. import _fetch\n",
        "models/__init__.py": "",
        "models/_text.py": "from framing.features import as_texts\nimport framing._validation\n",
    })
    assert package.reach_ins() == {}


def test_checker_sees_private_names_dynamic_imports_and_sealed_shared_internals(tmp_path):
    package = _make_package(tmp_path, {
        "_fetch/__init__.py": "",
        "_fetch/_cache.py": "",
        "features/__init__.py": "_secret = 1\n",
        "stream/__init__.py": "",
        "stream/_score.py": """
            import importlib
            from framing.features import _secret
            _HOME = "framing._fetch._cache"

            def load():
                return importlib.import_module(_HOME)
            """,
    })
    assert sorted(package.reach_ins()) == ["framing.stream._score -> framing._fetch._cache",
                                           "framing.stream._score -> framing.features._secret"]


def test_checker_sees_package_data_read_from_outside(tmp_path):
    package = _make_package(tmp_path, {
        "lexicons/__init__.py": "",
        "lexicons/_load.py": "from importlib import resources\n"
                             "folder = resources.files(__package__).joinpath('data')\n",
        "features/__init__.py": "",
        "features/_frames.py": "from importlib import resources\n"
                               "folder = resources.files('framing.lexicons').joinpath('data')\n",
        "schema.py": "from importlib import resources\n"
                     "text = resources.files('framing').joinpath('lexicons/x.csv')\n",
    })
    assert sorted(package.reach_ins()) == ["framing.features._frames -> files of framing.lexicons",
                                           "framing.schema -> files of framing.lexicons"]


def test_checker_finds_a_cycle_through_function_level_and_lazy_imports(tmp_path):
    package = _make_package(tmp_path, {
        "compare/__init__.py": "from .._lazy import lazy_exports\n"
                               "__getattr__, __dir__ = lazy_exports(__name__, {'f': '._a'})\n",
        "_lazy.py": "def lazy_exports(package, exports):\n    pass\n",
        "compare/_a.py": "from ._b import g\n",
        "compare/_b.py": "def g():\n    from . import f\n",
        "compare/_c.py": "from ._a import f\n",
    })
    assert package.cycles() == {
        ("framing.compare", "framing.compare._a", "framing.compare._b"):
            ["framing.compare", "framing.compare._a", "framing.compare._b", "framing.compare"]}


def test_checker_resolves_relative_imports_from_packages_and_modules(tmp_path):
    package = _make_package(tmp_path, {
        "models/__init__.py": "from . import _text\nfrom .._validation import as_texts\n",
        "models/_text.py": "from .. import _validation\nfrom ..models import _kinds\n",
        "models/_kinds.py": "",
        "_validation.py": "as_texts = None\n",
    })
    targets = {(edge.importer, edge.imported) for edge in package.edges}
    assert targets == {("framing.models", "framing.models._text"),
                       ("framing.models", "framing._validation.as_texts"),
                       ("framing.models._text", "framing._validation"),
                       ("framing.models._text", "framing.models._kinds")}


_TOY_LAYERS = (("internals", ("framing", "framing._lazy")),
               ("scorers", ("framing.features",)),
               ("faces", ("framing.cli", "framing.features.cli")))


def test_layer_of_takes_the_longest_entry_and_the_root_names_only_itself():
    assert layer_of("framing", _TOY_LAYERS) == 0
    assert layer_of("framing._lazy", _TOY_LAYERS) == 0
    assert layer_of("framing.features._base", _TOY_LAYERS) == 1
    assert layer_of("framing.features.cli", _TOY_LAYERS) == 2
    assert layer_of("framing.features.cli_extra", _TOY_LAYERS) == 1  # a name, not a prefix
    assert layer_of("framing.plot", _TOY_LAYERS) is None  # not swallowed by the root


def test_checker_sees_an_upward_import_inside_a_function_and_in_lazy_exports(tmp_path):
    package = _make_package(tmp_path, {
        "__init__.py": "__version__ = '1'\n",
        "_lazy.py": "def lazy_exports(package, exports):\n    pass\n",
        "features/__init__.py": "from .._lazy import lazy_exports\n"
                                "__getattr__, __dir__ = lazy_exports(__name__, "
                                "{'main': 'framing.cli._main'})\n",
        "features/_base.py": """
            from .. import __version__

            def report():
                from framing.cli import main
                return main, __version__
            """,
        "features/cli.py": "from framing.cli import main\n",
        "cli/__init__.py": "from framing.features import _base\n\ndef main():\n    pass\n",
        "cli/_main.py": "",
    })
    found = layer_violations(package, _TOY_LAYERS)
    assert sorted(found) == ["framing.features -> framing.cli._main",
                             "framing.features._base -> framing.cli"]
    assert [package.where(edge) for edge in found["framing.features._base -> framing.cli"]] \
        == [str(Path("framing/features/_base.py:5"))]


def test_moved_helpers_still_importable_from_their_old_modules():
    """Helpers moved below their users stay where code may have imported them from."""
    from framing import _validation
    from framing.compare import _bootstrap, _common
    from framing.features import _base

    assert _base.as_texts is _validation.as_texts
    assert _bootstrap.group_rng is _common.group_rng
    assert _bootstrap.percentile_interval is _common.percentile_interval


def test_features_face_gives_what_models_need():
    import framing.features as features
    from framing.features._sentences import split_sentences

    assert features.split_sentences is split_sentences
    assert {"get_encoder", "split_sentences"} <= set(features.__all__)
