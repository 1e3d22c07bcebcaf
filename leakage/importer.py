"""Reading a SIPD realisation export (CSV or XLSX), one row at a time.

Column layout (header row required; names are case-insensitive, extra columns ignored):

===============  ==========  ===========================================================
column           required    content
===============  ==========  ===========================================================
kode_opd         yes         the OPD's code as in the catalogue (e.g. 1.03.0.00.0.00.01)
tanggal          yes         payment date: 2026-03-31, 31/03/2026 or 31-03-2026
kode_rekening    yes         account code of belanja barang/jasa, e.g. 5.1.02.01.01.0024
uraian           no          description of the payment
jumlah           yes         whole Rupiah, > 0: 1250000, 1.250.000 or 1250000,00
nama_penerima    no          payee's name (company or person)
npwp_penerima    no          payee's NPWP, 15 or 16 digits (dots and dashes allowed)
===============  ==========  ===========================================================

Files are streamed: a 100,000-row file never sits in memory as Python rows.
"""

import csv
import io
import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ecatalog.spreadsheets import Limits, SpreadsheetError, check_xlsx

HEADERS = [
    "kode_opd",
    "tanggal",
    "kode_rekening",
    "uraian",
    "jumlah",
    "nama_penerima",
    "npwp_penerima",
]
REQUIRED = {"kode_opd", "tanggal", "kode_rekening", "jumlah"}
MAX_FILE_BYTES = 60 * 1024 * 1024
MAX_ROWS = 250_000
MAX_XLSX_UNCOMPRESSED = 400 * 1024 * 1024

ACCOUNT_RE = re.compile(r"^\d+(\.\d+)*$")
# Legal forms of Indonesian businesses: only these payees' names may be published.
COMPANY_RE = re.compile(
    r"^\s*(PT|P\.T\.|CV|C\.V\.|UD|U\.D\.|PD|FA|FIRMA|KOPERASI|KOP\.|KSU|KUD|PERUM|PERSERO|TOKO|TB\.?|"
    r"YAYASAN|BUMDES|BUM DESA|PO|CATERING|KATERING|PERCETAKAN|RM\.?|RUMAH MAKAN)\b",
    re.IGNORECASE,
)


class RealisationFileError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def example_rows() -> list[list[str]]:
    return [
        [
            "1.03.0.00.0.00.01",
            "2026-03-31",
            "5.1.02.01.01.0024",
            "Belanja ATK triwulan I",
            "12500000",
            "CV Sinar Abadi",
            "01.234.567.8-625.000",
        ],
        [
            "1.03.0.00.0.00.01",
            "2026-03-31",
            "5.1.02.01.01.0052",
            "Makan minum rapat koordinasi",
            "3450000",
            "Budi Santoso",
            "",
        ],
    ]


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(example_rows())
    return out.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "realisasi"
    ws.append(HEADERS)
    for row in example_rows():
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(Decimal(str(value)))
    return str(value).strip()


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover
        raise RealisationFileError(_("Berkas CSV harus berteks UTF-8."))
    if "\x00" in text:
        raise RealisationFileError(_("Berkas ini bukan CSV teks."))
    first_line = text.split("\n", 1)[0]
    # Excel with Indonesian regional settings writes ';' as the separator.
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield reader.line_num, [cell.strip() for cell in row]
    except csv.Error as exc:
        raise RealisationFileError(
            _("CSV tidak dapat dibaca pada baris %(n)s.") % {"n": reader.line_num}
        ) from exc


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    limits = Limits(
        rows=MAX_ROWS + 100,
        columns=50,
        cells=(MAX_ROWS + 100) * 20,
        unpacked_bytes=MAX_XLSX_UNCOMPRESSED,
    )
    try:
        check_xlsx(data, limits)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SpreadsheetError as exc:
        raise RealisationFileError(exc.message) from exc
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise RealisationFileError(
            _("Berkas XLSX tidak dapat dibaca. Simpan ulang dari Excel/LibreOffice.")
        ) from exc
    try:
        if not workbook.worksheets:
            raise RealisationFileError(_("Berkas XLSX tidak berisi lembar kerja."))
        for number, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in row[:50]]
    finally:
        workbook.close()


def estimate_rows(data: bytes, name: str) -> int:
    """Data rows in the file, for the progress bar: counted for CSV, the sheet's stated size for XLSX."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True)
            stated = workbook.worksheets[0].max_row if workbook.worksheets else None
            workbook.close()
        except Exception:  # the real read reports a broken file with its message
            stated = None
        if stated:
            return max(stated - 1, 0)
    return max(sum(1 for _line, cells in iter_rows(data, name) if any(cells)) - 1, 0)


def iter_rows(data: bytes, name: str) -> Iterator[tuple[int, list[str]]]:
    """The file's rows as ``(line number, cells)``, header included; raises RealisationFileError."""
    if len(data) > MAX_FILE_BYTES:
        raise RealisationFileError(
            _("Berkas terlalu besar (maksimal %(mb)s MB).") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    name = name.lower()
    if name.endswith(".xlsx"):
        if not data.startswith(b"PK\x03\x04"):
            raise RealisationFileError(_("Berkas .xlsx ini bukan berkas Excel yang valid."))
        return _xlsx_rows(data)
    if name.endswith(".csv"):
        return _csv_rows(data)
    raise RealisationFileError(_("Format berkas harus .csv atau .xlsx."))


def header_index(header: list[str]) -> dict[str, int]:
    names = [h.strip().lower().replace(" ", "_") for h in header]
    missing = [h for h in HEADERS if h in REQUIRED and h not in names]
    if missing:
        raise RealisationFileError(
            _("Kolom wajib tidak ada: %(cols)s. Unduh templat untuk susunan kolom.")
            % {"cols": ", ".join(missing)}
        )
    return {h: names.index(h) for h in HEADERS if h in names}


def parse_date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text[:10] if fmt == "%Y-%m-%d" else text, fmt).date()
        except ValueError:
            continue
    return None


def parse_amount(text: str) -> Decimal | None:
    """Whole Rupiah from 1250000, 1.250.000, 1,250,000 or 1250000,00 / 1250000.00."""
    text = text.replace("Rp", "").replace(" ", "").strip()
    if not text:
        return None
    if re.fullmatch(r"\d+([.,]00?)?", text):
        text = re.split(r"[.,]", text)[0]
    elif re.fullmatch(r"\d{1,3}([.,]\d{3})+([.,]00?)?", text):
        groups = re.split(r"[.,]", text)
        if len(groups[-1]) < 3:
            groups = groups[:-1]
        text = "".join(groups)
    else:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the patterns above admit digits only
        return None


def normalise_npwp(text: str) -> str | None:
    """Digits of an NPWP, 15-digit numbers as their 16-digit form (a leading 0); None if invalid."""
    digits = re.sub(r"[.\-\s]", "", text)
    if not digits.isdigit() or len(digits) not in (15, 16):
        return None
    return "0" + digits if len(digits) == 15 else digits


def is_company(name: str) -> bool:
    return bool(COMPANY_RE.match(name or ""))
