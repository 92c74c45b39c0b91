"""The dependency rule's second half: a module uses another only through its public surface
(``services``, ``selectors``, ``facade``), never its models or internals. The layering half is
import-linter's contract in ``.importlinter``."""

from __future__ import annotations

import grimp

# "" is the package itself: `from egov.geo import selectors` imports it too.
PUBLIC_SURFACE = {"services", "selectors", "facade", ""}
# The kernel is shared by all; the composition root (settings, URLs) wires everything.
OPEN_MODULES = {"core"}
COMPOSITION_ROOT = {"conf"}


def _module_of(name: str) -> tuple[str, str]:
    parts = name.split(".")
    return parts[1], parts[2] if len(parts) > 2 else ""


def test_modules_use_each_other_only_through_their_public_surface() -> None:
    graph = grimp.build_graph("egov")
    offences = []
    for importer in sorted(graph.modules):
        if importer == "egov":
            continue
        source, _ = _module_of(importer)
        if source in COMPOSITION_ROOT:
            continue
        for imported in graph.find_modules_directly_imported_by(importer):
            if imported == "egov":
                continue
            target, part = _module_of(imported)
            if target in (source, *OPEN_MODULES):
                continue
            if (target, part) == ("conf", "env"):
                continue  # the documented settings helper (e.g. `manage.py env_doc`)
            if part not in PUBLIC_SURFACE:
                offences.append(f"{importer} -> {imported}")
    assert offences == [], "imports past another module's public surface:\n" + "\n".join(offences)
