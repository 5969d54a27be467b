"""The training core: torch and numpy only, never Qt or pyqtgraph (a test enforces it).

This ``__init__`` imports nothing so that the window can load ``config``, ``records`` and ``data``
without paying for ``import torch``.
"""
