"""The scan station's answer: a large coloured banner (green counted, red refused) and a sound."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel

GREEN, RED, GREY = "#1f7a3a", "#b42318", "#5b6572"


class Feedback(QLabel):
    def __init__(self, parent=None):
        super().__init__("Scan a label", parent)
        self.setWordWrap(True)
        self.setMinimumHeight(72)
        self.show_text("Scan a label, or type a lot code and press Enter.", GREY)

    def show_text(self, text: str, colour: str) -> None:
        self.colour = colour
        self.setText(text)
        self.setStyleSheet(f"QLabel {{ background: {colour}; color: white; font-size: 20px; font-weight: 600; "
                           "padding: 12px; border-radius: 6px; }")

    def show_result(self, ok: bool, message: str) -> None:
        self.show_text(message, GREEN if ok else RED)
        if not ok:
            QApplication.beep()
