"""The lot timeline's date ticks never collide, from half a day to more than a year, wide or narrow."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QImage, QPainter

from workbench.ui.timeline import LotTimeline


@pytest.mark.parametrize("width", [360, 800, 1500])
def test_tick_labels_do_not_overlap(qtbot, width):
    t = LotTimeline()
    qtbot.addWidget(t)
    t.resize(width, 200)
    t.show()
    t.stack.setCurrentIndex(1)
    axis = t.plot.getPlotItem().getAxis("bottom")
    base = datetime(2026, 1, 1).timestamp()
    for days in (0.5, 2, 9, 40, 200, 400):
        t.plot.setXRange(base, base + days * 86400, padding=0)
        for _ in range(3):
            QCoreApplication.processEvents()
        image = QImage(width, 100, QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        specs = axis.generateDrawSpecs(painter)
        painter.end()
        rects = sorted((r for r, _flags, _text in specs[2]), key=lambda r: r.left())
        assert rects, f"no tick label over {days} days at {width} px"
        for a, b in pairwise(rects):
            assert a.right() + 2 <= b.left(), f"ticks collide over {days} days at {width} px"
