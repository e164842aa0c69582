"""Imports point down the pipeline only.

stemma is a stack of layers, lowest first: the shared data model, then one
sub-package per stage in pipeline order, then the things that drive the
stages (engine, web page, command line). A module may import stemma modules of
its own layer or of a lower one, never of a higher one: a stage that reached up
(an annotator importing the store, say) would tie the stages into a knot that
no one can test or replace alone.

The checker parses every ``.py`` under ``src/stemma`` with ``ast`` and looks at
every import anywhere in the file: inside functions and under
``if TYPE_CHECKING:`` too, since a late import is still a dependency. The one
exception is the public facade, ``stemma/__init__.py``: ``import stemma`` must
stay light, so at module level it may import layer 0 only, while its imports
inside functions or under ``if TYPE_CHECKING:`` (and the names in its lazy
``_LAZY`` map) may point anywhere.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "src" / "stemma"

#: Layer of each top-level module or sub-package of stemma, lowest first.
#: A new top-level module or sub-package must be placed here.
LAYERS: dict[str, int] = {
    "model": 0,
    "settings": 0,
    "errors": 0,
    "ingest": 1,
    "annotate": 2,
    "stories": 3,
    "analysis": 4,
    "store": 5,
    "report": 6,
    "engine": 7,
    "web": 8,
    "cli": 9,
}

#: The public facade may import only this layer when ``import stemma`` runs.
FACADE_LAYER = 0

#: Libraries that take seconds or hundreds of MB to load: ``import stemma``
#: must load none of them (they come with the engine, on first use).
HEAVY = ("duckdb", "pandas", "spacy", "numpy", "torch", "onnxruntime", "fastapi")


@dataclass(frozen=True)
class Import:
    """One stemma module imported by one statement of one file."""

    path: Path
    line: int
    statement: str  # the import as written, e.g. "from stemma.store import Store"
    target: str  # the stemma module it loads, e.g. "stemma.store"
    lazy: bool  # inside a function or under ``if TYPE_CHECKING:``


def module_name(path: Path, root: Path) -> str:
    """Dotted name of the module in ``path``; ``root`` is the package folder."""
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str, root: Path) -> bool:
    """Whether dotted ``name`` is a module or package file under ``root``."""
    parts = name.split(".")
    if parts[0] != root.name:
        return False
    base = root.joinpath(*parts[1:])
    return base.with_suffix(".py").is_file() or base.is_dir()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, lazy: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Every node under ``node``, with whether it runs only later (or never)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield child, lazy
            yield from _walk(child, True)
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            yield child.test, lazy
            for stmt in child.body:
                yield stmt, True
                yield from _walk(stmt, True)
            for stmt in child.orelse:  # the ``else`` branch runs at import time
                yield stmt, lazy
                yield from _walk(stmt, lazy)
        else:
            yield child, lazy
            yield from _walk(child, lazy)


def imports(path: Path, root: Path) -> Iterator[Import]:
    """The stemma modules ``path`` imports, relative imports resolved."""
    top = root.name
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path, root)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    lazy_map = lazy_names(root)
    for node, lazy in _walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == top or alias.name.startswith(top + "."):
                    text = f"import {alias.name}"
                    yield Import(path, node.lineno, text, alias.name, lazy)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            if source != top and not source.startswith(top + "."):
                continue
            written = "." * node.level + (node.module or "")
            for alias in node.names:
                # ``from stemma.x import y``: y is a module if stemma/x/y(.py) exists,
                # else a name defined in stemma.x. ``from stemma import analyze`` names
                # a lazy attribute of the facade: it loads the module _LAZY maps it to.
                sub = f"{source}.{alias.name}"
                if is_module(sub, root):
                    target = sub
                elif source == top and alias.name in lazy_map:
                    target = lazy_map[alias.name]
                else:
                    target = source
                text = f"from {written} import {alias.name}"
                yield Import(path, node.lineno, text, target, lazy)


def lazy_names(root: Path) -> dict[str, str]:
    """The facade's ``_LAZY`` map: public name -> module that holds it."""
    tree = ast.parse((root / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, assigned = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, assigned = [node.target], node.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == "_LAZY" for t in targets):
            value = ast.literal_eval(assigned)
            assert isinstance(value, dict)
            return {str(k): str(v) for k, v in value.items()}
    return {}


def layer_of(module: str, layers: Mapping[str, int]) -> int | None:
    """Layer of a stemma module (None: not in the table); the facade's eager names are 0."""
    parts = module.split(".")
    if len(parts) == 1:
        return FACADE_LAYER
    return layers.get(parts[1])


def violations(root: Path, layers: Mapping[str, int]) -> list[str]:
    """Every import under ``root`` that points up the stack, one message each."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        module = module_name(path, root)
        facade = module == root.name
        own = FACADE_LAYER if facade else layer_of(module, layers)
        where = path.relative_to(root.parent)
        for imp in imports(path, root):
            if facade and imp.lazy:
                continue
            to = layer_of(imp.target, layers)
            if own is None or to is None:
                missing = module if own is None else imp.target
                found.append(
                    f"{where}:{imp.line}: `{imp.statement}`: {missing} is in no layer "
                    f"(add its top-level module to LAYERS in tests/test_layers.py)"
                )
            elif to > own:
                what = "the facade (layer 0 at import time)" if facade else f"layer {own}"
                found.append(
                    f"{where}:{imp.line}: `{imp.statement}` imports {imp.target} "
                    f"(layer {to}) from {module}, {what}: imports must point down"
                )
    return found


def top_level_modules(root: Path) -> set[str]:
    """Names of the top-level modules and sub-packages under ``root``."""
    names = set()
    for entry in root.iterdir():
        if entry.name.startswith((".", "_")):
            continue  # __init__.py, __pycache__, __main__.py is the CLI's twin
        if entry.is_file() and entry.suffix == ".py":
            names.add(entry.stem)
        elif entry.is_dir() and any(entry.rglob("*.py")):
            names.add(entry.name)
    return names


def test_layers_imports_point_down() -> None:
    found = violations(PACKAGE, LAYERS)
    assert not found, "imports pointing up the pipeline:\n" + "\n".join(found)


def test_layers_table_covers_every_module() -> None:
    present = top_level_modules(PACKAGE)
    unplaced = sorted(present - LAYERS.keys())
    gone = sorted(LAYERS.keys() - present)
    assert not unplaced, (
        f"stemma modules in no layer: {unplaced}; place each in LAYERS in tests/test_layers.py"
    )
    assert not gone, f"LAYERS names modules that no longer exist under src/stemma: {gone}"
    # The facade's lazy names must point at real modules, which are in the table too.
    for name, module in lazy_names(PACKAGE).items():
        assert is_module(module, PACKAGE), f"_LAZY[{name!r}] = {module!r} is no module"


def test_layers_import_stemma_is_light() -> None:
    code = (
        "import json, sys\n"
        "import stemma\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(json.dumps({'file': stemma.__file__, 'heavy': heavy,"
        " 'analyze': stemma.analyze.__module__, 'Store': stemma.Store.__module__,"
        " 'store_is_class': isinstance(stemma.Store, type),"
        " 'analyze_callable': callable(stemma.analyze)}))\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(PACKAGE.parent)}
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert Path(seen["file"]).resolve() == PACKAGE / "__init__.py"
    assert seen["heavy"] == [], f"`import stemma` loads {seen['heavy']}: keep them lazy"
    # The lazy attributes still resolve, to the modules _LAZY names.
    assert seen["analyze"] == "stemma.engine.local" and seen["analyze_callable"]
    assert seen["Store"].startswith("stemma.store") and seen["store_is_class"]


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_layers_checker_catches_upward_imports(tmp_path: Path) -> None:
    # A tiny package "stemma" with the same layer names, one legal import of each
    # kind and one illegal import of each kind; the checker must find exactly these.
    root = _tree(
        tmp_path / "stemma",
        {
            "__init__.py": (
                "from typing import TYPE_CHECKING\n"
                "from stemma.model import Article\n"
                "if TYPE_CHECKING:\n"
                "    from stemma.engine.local import analyze\n"
                "else:\n"
                "    import stemma.store\n"  # line 6: runs at import: too high
                "_LAZY = {'analyze': 'stemma.engine.local'}\n"
                "def __getattr__(name):\n"
                "    from stemma.engine import local\n"
                "    return local\n"
            ),
            "model.py": "class Article: ...\n",
            "ingest/__init__.py": "",
            "ingest/read.py": "from stemma import model\nfrom stemma import Article\n",
            "annotate/__init__.py": "",
            "annotate/nlp.py": (
                "from . import sents\n"
                "from ..ingest import read\n"
                "def f():\n"
                "    from stemma.store import db\n"  # line 4: late, still too high
                "    return db\n"
            ),
            "annotate/sents.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n"
                "    from ..analysis.claims import Claim\n"  # line 3: too high
            ),
            "analysis/__init__.py": "",
            "analysis/claims.py": "import stemma.annotate.nlp\nclass Claim: ...\n",
            "store/__init__.py": "",
            "store/db.py": "from stemma import analyze\n",  # line 1: the facade's lazy engine
            "engine/__init__.py": "",
            "engine/local.py": "import stemma.store.db\ndef analyze(): ...\n",
        },
    )
    found = violations(root, LAYERS)
    assert len(found) == 4, "\n".join(found)
    by_file = {message.split(":", 2)[0]: message for message in found}
    assert set(by_file) == {
        "stemma/__init__.py",
        "stemma/annotate/nlp.py",
        "stemma/annotate/sents.py",
        "stemma/store/db.py",
    }
    assert by_file["stemma/__init__.py"].startswith("stemma/__init__.py:6: `import stemma.store`")
    assert "(layer 5)" in by_file["stemma/__init__.py"]
    assert "layer 0 at import time" in by_file["stemma/__init__.py"]
    assert by_file["stemma/annotate/nlp.py"] == (
        "stemma/annotate/nlp.py:4: `from stemma.store import db` imports stemma.store.db "
        "(layer 5) from stemma.annotate.nlp, layer 2: imports must point down"
    )
    assert by_file["stemma/annotate/sents.py"].startswith(
        "stemma/annotate/sents.py:3: `from ..analysis.claims import Claim` imports "
        "stemma.analysis.claims (layer 4) from stemma.annotate.sents, layer 2"
    )
    message = by_file["stemma/store/db.py"]
    assert "`from stemma import analyze` imports stemma.engine.local (layer 7)" in message

    # A module in no layer is reported, both as importer and as imported.
    _tree(root, {"extra.py": "from stemma.model import Article\n"})
    _tree(root, {"ingest/late.py": "import stemma.extra\n"})
    unplaced = [m for m in violations(root, LAYERS) if "in no layer" in m]
    assert [m.split(":", 1)[0] for m in unplaced] == ["stemma/extra.py", "stemma/ingest/late.py"]
    assert top_level_modules(root) - LAYERS.keys() == {"extra"}
