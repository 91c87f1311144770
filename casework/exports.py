"""Every spreadsheet the back office hands out: the case list, the ledger, the assessment and the
audit registers are written here, and only here.

Each cell goes through spreadsheet_safe after masking: a masked value can start a formula too
("=2+5" masks to "=**5"). CSV is UTF-8 with a byte order mark, so spreadsheet programs read the
Chinese as UTF-8; XLSX is written by openpyxl's write-only workbook, text typed as text.
"""

import csv
import io

from django.http import HttpResponse
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# A cell starting with one of these is read as a formula by spreadsheet programs (CSV injection);
# tab and carriage return because some programs skip them before looking for the others.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """The value as a cell a spreadsheet shows as text: text that could start a formula gets a '."""
    if isinstance(value, Promise):  # a lazily translated label
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _safe(row):
    return [spreadsheet_safe(value) for value in row]


def _xlsx_cells(sheet, row):
    """Cells for sheet.append: text is typed as a string, which openpyxl never writes as a formula."""
    cells = []
    for value in _safe(row):
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    return cells


def spreadsheet_response(fmt, filename, header, rows, *, sheet_title=None):
    """A download of ``header`` and then ``rows`` (an iterable of lists) as CSV or XLSX.

    ``filename`` is given without its extension; ``sheet_title`` names the XLSX sheet (the
    filename when not given).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown spreadsheet format: {fmt!r}")
    if fmt == CSV:
        response = HttpResponse(content_type=CONTENT_TYPES[CSV])
        response.write("\ufeff")  # so spreadsheet programs read the Chinese as UTF-8
        writer = csv.writer(response)
        writer.writerow(_safe(header))
        for row in rows:
            writer.writerow(_safe(row))
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(str(sheet_title or filename)[:31])
        sheet.append(_xlsx_cells(sheet, header))
        for row in rows:
            sheet.append(_xlsx_cells(sheet, row))
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES[XLSX])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
