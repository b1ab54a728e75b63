"""Markdown pipe tables: find them among a body's lines and read or rewrite single cells.

Cells keep their position in the line, so a cell can be rewritten without touching the
rest of the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

_DELIMITER_CELL = re.compile(r"^\s*:?-+:?\s*$")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class Cell:
    text: str  # the cell's content, trimmed, with `\|` read as `|`
    start: int  # where the cell's content begins in its line (just after its pipe)
    end: int  # where it ends (its closing pipe, or the end of the line)


@dataclass(frozen=True)
class Row:
    line: int  # index of the line in the body
    cells: tuple[Cell, ...]
    closed: bool  # whether the line ends with a pipe

    def text(self, column: int) -> str:
        return self.cells[column].text if column < len(self.cells) else ""

    def is_empty(self) -> bool:
        return not any(cell.text for cell in self.cells)


@dataclass(frozen=True)
class Table:
    header: Row
    delimiter: Row
    rows: tuple[Row, ...]


def split_row(line: str, index: int) -> Row:
    """The cells of one table line; leading and trailing pipes are optional."""
    body_start = len(line) - len(line.lstrip())
    body_end = len(line.rstrip())
    pipes = [m.start() for m in _UNESCAPED_PIPE.finditer(line, body_start, body_end)]
    opened = bool(pipes) and pipes[0] == body_start
    closed = bool(pipes) and pipes[-1] == body_end - 1 and body_end - 1 > body_start
    bounds = [body_start - 1 if not opened else pipes[0], *pipes[1 if opened else 0 :]]
    if not closed:
        bounds.append(body_end)
    cells = tuple(
        Cell(line[left + 1 : right].strip().replace("\\|", "|"), left + 1, right)
        for left, right in pairwise(bounds)
    )
    return Row(line=index, cells=cells, closed=closed)


def _is_delimiter(row: Row) -> bool:
    return bool(row.cells) and all(_DELIMITER_CELL.match(cell.text) for cell in row.cells)


def find_tables(lines: Sequence[str], indexes: Iterable[int]) -> list[Table]:
    """Tables whose lines are all among `indexes` (consecutive line numbers, e.g. a section)."""
    wanted = sorted(indexes)
    tables: list[Table] = []
    position = 0
    while position + 1 < len(wanted):
        first, second = wanted[position], wanted[position + 1]
        header = split_row(lines[first], first)
        delimiter = split_row(lines[second], second)
        # GFM: a table needs a delimiter row with as many cells as its header, else the
        # lines are text (and writing a Ticket column into them would make one).
        if (
            second != first + 1
            or "|" not in lines[first]
            or not _is_delimiter(delimiter)
            or len(delimiter.cells) != len(header.cells)
        ):
            position += 1
            continue
        rows: list[Row] = []
        position += 2
        while position < len(wanted) and wanted[position] == wanted[position - 1] + 1:
            line = lines[wanted[position]]
            if not line.strip() or "|" not in line:
                break
            rows.append(split_row(line, wanted[position]))
            position += 1
        tables.append(Table(header=header, delimiter=delimiter, rows=tuple(rows)))
    return tables


def escape_cell(text: str) -> str:
    """Text that stays inside one cell: no line breaks, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def with_cell(line: str, row: Row, column: int, text: str) -> str:
    """The line with cell `column` holding `text` (escaped); missing cells are added."""
    content = escape_cell(text)
    if column < len(row.cells):
        cell = row.cells[column]
        return f"{line[: cell.start]} {content} {line[cell.end :]}"
    trimmed = line.rstrip()
    if not row.closed:
        trimmed += " |"
    padding = " |" * (column - len(row.cells))
    return f"{trimmed}{padding} {content} |{line[len(line.rstrip()) :]}"
