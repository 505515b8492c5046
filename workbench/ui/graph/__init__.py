"""The interactive genealogy graph: ``GenealogyView`` and its parts.

``layout`` (core, no Qt) places the boxes; ``model`` and ``jobs`` (no Qt) hold and grow
what is opened; ``items``, ``scene``, ``view``, ``legend`` and ``export`` draw it.
"""

from __future__ import annotations

from workbench.ui.graph.view import GenealogyView

__all__ = ["GenealogyView"]
