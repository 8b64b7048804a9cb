"""Test accounts from a CSV file (``testAccountsFile``): scripted provisioning, hundreds of rows.

The file has a header row naming its columns (``username`` and ``email`` required, ``name``
optional, in any order and any case) and one account per row. Every bad row is reported at
once, each with the file, its row number (the header is row 1, as a spreadsheet shows it) and
the column; the sentences echo no value but a username (an email or a name is personal, and CI
logs are wide open), so the reader finds the row by its number.

The file is read as CSV, the way a spreadsheet reads it: a quoted cell may hold commas and line
breaks, and a row is a record, not a line (a line break inside a quoted cell starts no new row,
and no other character ends one). A line break inside a cell is then refused (LINE_BREAK). A
quote that is never closed is refused at the row where it opens: csv would read every later row
into that one cell, and other people's usernames and emails would become one account's name.

Cells are separated by commas, or by semicolons or tabs when the header is (DELIMITERS).

One pass over the rows, a dict for duplicates: linear in the file's size (a 2,000-row file is
read and checked in well under a second).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .keys import TEST_ACCOUNT_FIELDS, TEST_ACCOUNTS_FILE
from .reading import Reader, is_email, username_problem

REQUIRED_COLUMNS = ("username", "email")
LINE_BREAK = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
"""Where ``str.splitlines`` ends a line (its docs' table). Inside a cell it is a mistake: no username
or email has one, and a name is the greeting line of the reset email ("Hello {name},")."""
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
"""Tried in this order on the header line; the first that splits it into cells naming username and
email is the file's. Excel writes semicolons where the comma is the decimal mark (German, French
and many other locales), a sheet's tab-separated export tabs. A rule, not csv.Sniffer: the
header's words are known, while the sniffer guesses from how often characters recur (given a
comma file of two rows with quoted names such as "Doe, Jane", it picked the letter l)."""
CLOSE_QUOTES = 'close the quote, and write a quote that is part of a value as two ("")'


def read_accounts_file(r: Reader, root: Path, path_text: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(where, username, spec) per good row of the file ``path_text`` (relative to ``root``).

    ``where`` names the row for a later problem (a username also listed inline).
    """
    path = root / path_text
    where = f"{TEST_ACCOUNTS_FILE} ({path_text}"
    try:
        # utf-8-sig: a file saved by a spreadsheet often starts with a byte-order mark. newline="",
        # as the csv docs require: a quoted cell's \r\n reaches csv as it is, not as \n.
        with path.open(encoding="utf-8-sig", newline="") as file:
            text = file.read()
    except FileNotFoundError:
        r.fail(TEST_ACCOUNTS_FILE, f"names {path_text}, which does not exist; give a path relative to the "
                                   f"project folder (the one with Pulumi.yaml)")
        return []
    except UnicodeDecodeError:
        r.fail(TEST_ACCOUNTS_FILE, f"names {path_text}, which is not UTF-8 text; save it as CSV UTF-8")
        return []
    except OSError as exc:
        r.fail(TEST_ACCOUNTS_FILE, f"names {path_text}, which cannot be read ({exc.strerror})")
        return []

    delimiter = _delimiter(text)
    records = _records(text, delimiter)
    _, header, unreadable = next(records, (1, [], None))
    if unreadable:
        r.fail(f"{where}, row 1)", unreadable)
        return []
    # Named as a person reads a header: " Email" is email.
    columns = [c.strip().lower() for c in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        r.fail(f"{where}, row 1)", f"must be the header row naming the columns {','.join(TEST_ACCOUNT_FIELDS)} "
                                   f"(separated by commas, semicolons or tabs) but lacks {' and '.join(missing)}; "
                                   f"add the header as the file's first line")
        return []
    header_problems_before = len(r.problems)
    for cell, column in zip(header, columns, strict=True):
        if column not in TEST_ACCOUNT_FIELDS:
            r.fail(f"{where}, row 1, column {cell.strip() or '(empty)'})",
                   f"is not a test-account column; use {', '.join(TEST_ACCOUNT_FIELDS)}")
    if len(set(columns)) != len(columns):
        r.fail(f"{where}, row 1)", "names a column twice; name each of username, email, name once")
    if len(r.problems) > header_problems_before:
        return []
    index = {c: i for i, c in enumerate(columns)}

    rows: list[tuple[str, str, dict[str, Any]]] = []
    first_row: dict[str, int] = {}
    for number, row, unreadable in records:
        at = f"{where}, row {number}"
        if unreadable:
            r.fail(f"{at})", unreadable)
            continue
        if not any(cell.strip() for cell in row):
            continue  # a blank line (often the last one) is not an account
        if len(row) != len(columns):
            separator = DELIMITERS[delimiter]
            r.fail(f"{at})", f"has {len(row)} {separator}-separated fields but the header has {len(columns)}; "
                             f"quote a value that contains a {separator}")
            continue
        cells = {column: row[i].strip() for column, i in index.items()}
        broken = False
        for column, cell in cells.items():
            # The character, not the value: an email or a name is not echoed.
            if (found := LINE_BREAK.search(cell)) is not None:
                r.fail(f"{at}, column {column})", f"contains a line break (U+{ord(found[0]):04X}); put the value on "
                                                  f"one line (in a spreadsheet, Alt+Enter in a cell makes one)")
                broken = True
        if broken:
            continue
        username, email, name = cells["username"], cells["email"], cells.get("name", "")
        ok = True
        if not username:
            r.fail(f"{at}, column username)", "is empty; give every test account a username")
            ok = False
        elif (problem := username_problem(username)) is not None:
            r.fail(f"{at}, column username)", f"{problem}, so Cognito would refuse it as a username")
            ok = False
        elif username in first_row:
            r.fail(f"{at}, column username)", f"repeats the username {username!r} of row {first_row[username]}; "
                                              f"list each account once")
            ok = False
        else:
            first_row[username] = number
        if not email:
            r.fail(f"{at}, column email)", "is empty; give every test account an email address (Cognito marks "
                                           "it verified and sends the reset code there)")
            ok = False
        elif not is_email(email):
            r.fail(f"{at}, column email)", "is not an email address; use the form name@example.com")
            ok = False
        if ok:
            rows.append((f"{at})", username, {"create": True, "email": email, "name": name or None}))
    return rows


def _delimiter(text: str) -> str:
    """The file's delimiter (DELIMITERS), read from its header line; a comma when none fits (the
    header's sentence then says what it lacks)."""
    header = io.StringIO(text, newline="").readline()
    for delimiter in DELIMITERS:
        cells = next(csv.reader([header], delimiter=delimiter), [])
        if {c.strip().lower() for c in cells} >= set(REQUIRED_COLUMNS):
            return delimiter
    return ","


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str], str | None]]:
    """(row, cells, why it cannot be read or None) per record, the row numbered as a spreadsheet
    numbers it (the header is row 1); the last record when one cannot be read.

    Not csv's ``line_num``: that counts lines, and a quoted cell's line break is one.
    """
    ended = False

    def lines() -> Iterator[str]:
        nonlocal ended
        # StringIO(newline=""), like a file opened so, ends a line only at \r, \n or \r\n; csv then
        # joins the lines of a quoted cell. (str.splitlines also ends one at U+2028, U+0085, \f...)
        yield from io.StringIO(text, newline="")
        ended = True

    reader = csv.reader(lines(), delimiter=delimiter)
    for number in itertools.count(1):
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # In practice "field larger than field limit": an open quote with 128 KiB after it.
            yield number, [], (f"cannot be read as CSV ({exc}), most likely because a quote opened in it is "
                               f"never closed; {CLOSE_QUOTES}")
            return
        if ended:
            # csv returns a record at its own line end, without reading on; it reaches the end of the
            # file inside one only when a quote opened there is never closed, and then returns the
            # rest of the file as that cell, raising nothing.
            yield number, row, (f"opens a quote that is never closed, so every row after it would be read "
                                f"into this one; {CLOSE_QUOTES}")
            return
        yield number, row, None
