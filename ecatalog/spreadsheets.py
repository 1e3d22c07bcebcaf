"""Reading the first sheet of an uploaded XLSX within fixed bounds (product and RUP imports).

A small XLSX can describe an enormous sheet: one row of millions of empty cells
compresses to a few kilobytes, a single cell at column XFD or row 1,048,576 makes
openpyxl pad every row with millions of ``None``, and openpyxl builds each ``<row>``
element in full before it yields anything. So before openpyxl sees the file, every
worksheet and the shared-string table are streamed through a SAX parser that keeps
no tree and stops at the first count over a limit: the declared ``<dimension>``,
row numbers, column letters, cells per row, cells in all, and shared strings. Then
openpyxl reads (read-only, streaming) at most the allowed rows and columns.
"""

from __future__ import annotations

import io
import re
import xml.sax
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


class SpreadsheetError(Exception):
    """The file cannot be read within the limits; ``message`` is for the user (Indonesian)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    rows: int  # rows of the sheet, header and blank rows included
    columns: int
    cells: int
    unpacked_bytes: int


def _column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def _ref(value: str) -> tuple[int, int] | None:
    """(row, column) of a reference such as ``B7``; None when it is not one."""
    match = CELL_REF.match(value.strip())
    if not match:
        return None
    return int(match.group(2)), _column_number(match.group(1))


class _Stop(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _SheetCounter(xml.sax.ContentHandler):
    """Counts what openpyxl would have to hold; raises ``_Stop`` at the first excess."""

    def __init__(self, limits: Limits):
        super().__init__()
        self.limits = limits
        self.cells = 0
        self.rows = 0
        self.row_number = 0
        self.cells_in_row = 0
        self.strings = 0

    def _too_many_rows(self):
        raise _Stop(_("Lembar kerja terlalu banyak baris (maksimal %(n)s).") % {"n": self.limits.rows})

    def _too_many_columns(self):
        raise _Stop(_("Lembar kerja terlalu banyak kolom (maksimal %(n)s).") % {"n": self.limits.columns})

    def _check_position(self, row: int, column: int):
        if row > self.limits.rows:
            self._too_many_rows()
        if column > self.limits.columns:
            self._too_many_columns()

    def startElementNS(self, name, qname, attrs):  # noqa: N802 - SAX API
        local = name[1]
        values = {key[1]: value for key, value in attrs.items()}
        if local == "dimension":
            # The sheet's own statement of its extent, e.g. "A1:J1001".
            for part in values.get("ref", "").split(":"):
                position = _ref(part)
                if position:
                    self._check_position(*position)
        elif local == "row":
            self.rows += 1
            self.cells_in_row = 0
            try:
                self.row_number = int(values.get("r") or self.row_number + 1)
            except ValueError:
                self.row_number += 1
            if self.rows > self.limits.rows or self.row_number > self.limits.rows:
                self._too_many_rows()
        elif local == "c":
            self.cells += 1
            self.cells_in_row += 1
            if self.cells_in_row > self.limits.columns:
                self._too_many_columns()
            if self.cells > self.limits.cells:
                raise _Stop(_("Lembar kerja terlalu banyak sel (maksimal %(n)s).") % {"n": self.limits.cells})
            position = _ref(values.get("r", ""))
            if position:
                self._check_position(*position)
        elif local == "si":
            self.strings += 1
            if self.strings > self.limits.cells:
                raise _Stop(_("Berkas XLSX berisi terlalu banyak teks."))


def _scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setFeature(xml.sax.handler.feature_external_pes, False)
    parser.setContentHandler(_SheetCounter(limits))
    with archive.open(info) as stream:
        parser.parse(stream)


def _looks_like_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    with archive.open(info) as stream:
        head = stream.read(64)
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def check_xlsx(data: bytes, limits: Limits) -> None:
    """Refuse (SpreadsheetError) an XLSX whose sheets exceed ``limits``, without building them.

    Every XML part is scanned, not only ``xl/worksheets/``: the workbook's relationships may
    point a sheet anywhere in the archive. Pictures and other binary parts are skipped.
    """
    unreadable = _("Berkas XLSX tidak dapat dibaca. Simpan ulang dari Excel/LibreOffice.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > limits.unpacked_bytes:
                raise SpreadsheetError(_("Isi berkas XLSX terlalu besar."))
            for info in infos:
                if not info.is_dir() and _looks_like_xml(archive, info):
                    _scan(archive, info, limits)
    except SpreadsheetError:
        raise
    except _Stop as stop:
        raise SpreadsheetError(stop.message) from None
    except Exception as exc:  # zipfile and expat raise many kinds on a broken file
        raise SpreadsheetError(unreadable) from exc


def read_xlsx(data: bytes, limits: Limits, *, data_only: bool) -> list[list]:
    """The first sheet's rows (values), after ``check_xlsx``; at most ``limits`` rows and columns."""
    from openpyxl import load_workbook

    check_xlsx(data, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise SpreadsheetError(
            _("Berkas XLSX tidak dapat dibaca. Simpan ulang dari Excel/LibreOffice.")
        ) from exc
    try:
        if not workbook.worksheets:
            raise SpreadsheetError(_("Berkas XLSX tidak berisi lembar kerja."))
        sheet = workbook.worksheets[0]
        rows = []
        # check_xlsx has bounded every part; these bounds hold even if it missed one.
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row[: limits.columns]))
            if len(rows) >= limits.rows:
                break
        return rows
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError(_("Berkas XLSX tidak dapat dibaca.")) from exc
    finally:
        workbook.close()
