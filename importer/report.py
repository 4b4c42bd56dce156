"""The import report: one row per file (imported, already imported, duplicate, skipped and why), guessed
fields marked, as a rich table for the terminal and a Markdown table for the web app."""
from __future__ import annotations

from importer.run import ImportReport, Row

STATUS_STYLE = {"imported": "green", "already imported": "dim", "duplicate": "yellow", "skipped": "red"}


def summary(report: ImportReport) -> str:
    guessed = sum(bool(r.guessed) for r in report.imported)
    return (f"{report.count('imported')} imported, {report.count('already imported')} already imported, "
            f"{report.count('duplicate')} duplicates, {report.count('skipped')} skipped; {guessed} with guessed "
            f"fields (marked *) to check in the YAML. {report.hashed_bytes / 2**20:.1f} MB hashed in "
            f"{report.seconds:.1f}s.")


def _details(row: Row) -> str:
    if row.status != "imported":
        return row.reason
    parts = [f"{name}*: {why}" for name, why in sorted(row.guessed.items())] + row.notes
    return "; ".join(parts)


def _fields(row: Row) -> str:
    return " ".join(row.triggers) + ("*" if "triggers" in row.guessed else "")


def rich_table(report: ImportReport):
    from rich.table import Table

    table = Table(title=f"{report.src} → {report.out}")
    for column in ("status", "file", "id", "kind", "triggers", "guessed (*) / why"):
        table.add_column(column, overflow="fold")
    for row in report.rows:
        style = STATUS_STYLE[row.status]
        table.add_row(f"[{style}]{row.status}[/]", row.file, row.id or "", row.kind, _fields(row), _details(row))
    return table


def markdown(report: ImportReport) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [summary(report), "", "| status | file | id | kind | triggers | guessed (*) / why |",
             "|---|---|---|---|---|---|"]
    for row in report.rows:
        lines.append("| " + " | ".join(cell(x) for x in (row.status, row.file, row.id or "", row.kind, _fields(row),
                                                         _details(row))) + " |")
    return "\n".join(lines)
