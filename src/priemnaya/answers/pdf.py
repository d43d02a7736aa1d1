"""The house PDF: one layout for answers, exports and complaints, Cyrillic through a bundled font.

fpdf2 is pure Python and DejaVu Sans ships in ``answers/fonts`` (Bitstream Vera licence, see
LICENSE there), so a PDF renders on a fresh machine with nothing installed but the project. The
font is embedded as a subset with a ToUnicode map, so ``pdftotext`` gives back the exact text.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from django.conf import settings
from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"

# fontTools narrates every font subset at INFO; that is noise in the worker's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)


class HousePdf(FPDF):
    """An A4 page with the service's name at the top and page numbers at the bottom."""

    def __init__(self, *, title: str, subject: str = "", keywords: str = "") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_title(title)
        self.set_author(settings.PRIEMNAYA_SERVICE_NAME)
        self.set_creator("Priemnaya")
        if subject:
            self.set_subject(subject)
        if keywords:
            # Stays readable in the file's uncompressed info dictionary: verification by code.
            self.set_keywords(keywords)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)
        self.alias_nb_pages()
        self.add_page()

    def header(self) -> None:
        self.set_font(FAMILY, "B", 10)
        self.set_text_color(40, 40, 40)
        self.cell(0, 6, settings.PRIEMNAYA_SERVICE_NAME, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(120, 120, 120)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(5)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"Страница {self.page_no()} из {{nb}}", align="R")

    def heading(self, text: str, size: int = 14) -> None:
        self.set_font(FAMILY, "B", size)
        # Ragged right: justified lines stretch word gaps, which text extraction (pypdf,
        # pdftotext) reads back as doubled spaces; documents must extract exactly.
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def paragraph(self, text: str, size: int = 10) -> None:
        self.set_font(FAMILY, "", size)
        # Ragged right: justified lines stretch word gaps, which text extraction (pypdf,
        # pdftotext) reads back as doubled spaces; documents must extract exactly.
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def field(self, label: str, value: str, size: int = 10) -> None:
        """One «label: value» line of a record, the label in bold."""
        self.set_font(FAMILY, "B", size)
        self.write(size * 0.5, f"{label}: ")
        self.set_font(FAMILY, "", size)
        self.multi_cell(0, size * 0.5, value or "—", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def render(self, *, created_at: datetime | None = None) -> bytes:
        """Return the finished file; ``created_at`` pins the metadata date (reproducible bytes)."""
        if created_at is not None:
            self.set_creation_date(created_at)
        return bytes(self.output())
