"""testAccountsFile: test accounts from a CSV file; every bad row reported at once, values not echoed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from stack import config as sc
from tests.program.conftest import PASSWORD, Run
from tests.program.test_program import RESET, USER

EMAIL_CANARY = "private.person.canary@example.org"


def spreadsheet(*rows: str) -> str:
    """The rows as a spreadsheet's "CSV UTF-8" export writes them: a byte-order mark, CRLF after each."""
    return "\ufeff" + "".join(f"{row}\r\n" for row in rows)


def load_file(tmp_path: Path, text: str, **extra: object) -> sc.StackConfig:
    # Bytes, so that every line ending is the one the test spells (write_text may translate \n).
    (tmp_path / "accounts.csv").write_bytes(text.encode("utf-8"))
    raw = {"testAccountsFile": "accounts.csv", **{k: v if isinstance(v, str) else json.dumps(v)
                                                   for k, v in extra.items()}}
    return sc.load(raw.get, has_test_account_password=True, root=tmp_path)


def problems(tmp_path: Path, text: str, **extra: object) -> tuple[str, ...]:
    with pytest.raises(sc.StackConfigError) as caught:
        load_file(tmp_path, text, **extra)
    return caught.value.problems


def test_rows_become_test_accounts_with_their_overrides(tmp_path: Path) -> None:
    # Columns in any order, name optional, a spreadsheet's byte-order mark, a blank last line.
    text = "\ufeffemail,username,name\nqa-1@example.com,qa-1,QA One\nqa-2@example.com,qa-2,\n\n"
    cfg = load_file(tmp_path, text, testAccounts=[{"username": "qa-0", "email": "qa-0@example.com"}],
                    accountOverrides={"qa-2": {"rotationTrigger": "2026-12-01"}})
    accounts = {a.username: a for a in cfg.accounts}
    assert list(accounts) == ["qa-0", "qa-1", "qa-2"]
    assert (accounts["qa-1"].create, accounts["qa-1"].email, accounts["qa-1"].name) == (
        True, "qa-1@example.com", "QA One")
    assert accounts["qa-2"].name is None and accounts["qa-2"].rotation_trigger == "2026-12-01"
    assert accounts["qa-1"].rotation_trigger == "initial"


def test_the_path_is_relative_to_the_project_folder(tmp_path: Path) -> None:
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "qa.csv").write_text("username,email\nqa-1@x,qa-1@example.com\n")
    cfg = sc.load({"testAccountsFile": "accounts/qa.csv"}.get, has_test_account_password=True, root=tmp_path)
    assert [a.username for a in cfg.accounts] == ["qa-1@x"]


def test_every_bad_row_is_reported_at_once_with_file_row_and_column(tmp_path: Path) -> None:
    text = "\n".join([
        "username,email,name",
        "qa-1,qa-1@example.com,One",       # row 2: good
        "qa-2,,Two",                       # row 3: no email
        f"qa-3,{EMAIL_CANARY.replace('@', ' at ')},Three",  # row 4: not an address
        "qa-1,other@example.com,Again",    # row 5: the username of row 2
        "bad name,bad@example.com,Bad",    # row 6: a space: Cognito refuses it
        ",nobody@example.com,Nobody",      # row 7: no username
        "qa-8,qa-8@example.com",           # row 8: a field short
        "qa-9,qa-9@example.com,Nine",      # row 9: listed inline too
    ])
    found = problems(tmp_path, text, testAccounts=[{"username": "qa-9", "email": "qa-9@example.com"}])
    at = "Stack config testAccountsFile (accounts.csv, row"
    assert found == (
        f"{at} 3, column email) is empty; give every test account an email address (Cognito marks it verified "
        f"and sends the reset code there).",
        f"{at} 4, column email) is not an email address; use the form name@example.com.",
        f"{at} 5, column username) repeats the username 'qa-1' of row 2; list each account once.",
        f"{at} 6, column username) must match the pattern [\\p{{L}}\\p{{M}}\\p{{S}}\\p{{N}}\\p{{P}}]+ (from the "
        f"AdminResetUserPassword API), so Cognito would refuse it as a username.",
        f"{at} 7, column username) is empty; give every test account a username.",
        f"{at} 8) has 2 comma-separated fields but the header has 3; quote a value that contains a comma.",
        f"{at} 9) repeats the account 'qa-9'; list each account once, in testAccounts, testAccountsFile or "
        f"existingUsers.",
    )
    # Emails and names may be personal: none is echoed, only usernames.
    for value in ("canary", "other@example.com", "Nobody", "nobody@", "Bad", "Again"):
        assert all(value not in p for p in found), value


AT = "Stack config testAccountsFile (accounts.csv, row"


def test_a_spreadsheet_export_is_read_cell_for_cell(tmp_path: Path) -> None:
    text = spreadsheet("username,email,name", 'qa-1,qa-1@example.com,"Doe, Jane"', "qa-2,qa-2@example.com,")
    accounts = {a.username: a for a in load_file(tmp_path, text).accounts}
    assert [(a.email, a.name) for a in accounts.values()] == [("qa-1@example.com", "Doe, Jane"),
                                                             ("qa-2@example.com", None)]


def test_a_quote_inside_a_cell_is_doubled_as_spreadsheets_write_it(tmp_path: Path) -> None:
    # Excel and LibreOffice write a quote inside a quoted cell as two (RFC 4180); docs/stack.md promises it.
    text = spreadsheet("username,email,name", 'qa-1,qa-1@example.com,"Jane ""JJ"" Doe"')
    assert [a.name for a in load_file(tmp_path, text).accounts] == ['Jane "JJ" Doe']


def test_a_line_break_in_a_quoted_cell_is_refused_and_later_rows_keep_their_numbers(tmp_path: Path) -> None:
    # Alt+Enter in a spreadsheet cell: the export quotes the cell and keeps its CRLF. The row is
    # still one row, so the bad email below is row 3, as the spreadsheet shows it.
    text = spreadsheet("username,email,name", 'qa-1,qa-1@example.com,"Line one\r\nLine two"',
                       "qa-2,not-an-email,Two", "qa-3,qa-3@example.com,Three")
    assert problems(tmp_path, text) == (
        f"{AT} 2, column name) contains a line break (U+000D); put the value on one line (in a spreadsheet, "
        f"Alt+Enter in a cell makes one).",
        f"{AT} 3, column email) is not an email address; use the form name@example.com.",
    )


def test_a_line_break_in_a_username_or_email_is_refused_without_echoing_the_email(tmp_path: Path) -> None:
    text = spreadsheet("username,email", '"qa-1\nqa-one",qa-1@example.com',
                       f'qa-2,"{EMAIL_CANARY[:8]}\n{EMAIL_CANARY[8:]}"')
    found = problems(tmp_path, text)
    assert found == (
        f"{AT} 2, column username) contains a line break (U+000A); put the value on one line (in a "
        f"spreadsheet, Alt+Enter in a cell makes one).",
        f"{AT} 3, column email) contains a line break (U+000A); put the value on one line (in a "
        f"spreadsheet, Alt+Enter in a cell makes one).",
    )
    assert all(part not in p for p in found for part in ("private", "canary"))


@pytest.mark.parametrize("char", ["\u2028", "\x85", "\f"])
def test_a_unicode_line_break_in_a_cell_splits_no_row(tmp_path: Path, char: str) -> None:
    # Not a CSV line end, so a spreadsheet exports it unquoted and shows one row; str.splitlines
    # would end a line there. In a name it is refused as any line break is, at its own row.
    text = spreadsheet("username,email,name", f"qa-1,qa-1@example.com,Ann{char}Lee", "qa-2,not-an-email,Two")
    assert problems(tmp_path, text) == (
        f"{AT} 2, column name) contains a line break (U+{ord(char):04X}); put the value on one line (in a "
        f"spreadsheet, Alt+Enter in a cell makes one).",
        f"{AT} 3, column email) is not an email address; use the form name@example.com.",
    )


UNCLOSED = 'close the quote, and write a quote that is part of a value as two ("").'


def test_a_quote_never_closed_is_refused_at_the_row_where_it_opens(tmp_path: Path) -> None:
    # Row 3 of 5: csv would read rows 4 and 5 into Dave's name, other people's emails with them.
    text = spreadsheet("username,email,name", "qa-1,not-an-email,One", 'qa-2,qa-2@example.com,"Dave',
                       f"qa-3,{EMAIL_CANARY},Three", "qa-4,qa-4@example.com,Four")
    found = problems(tmp_path, text)
    assert found == (
        f"{AT} 2, column email) is not an email address; use the form name@example.com.",
        f"{AT} 3) opens a quote that is never closed, so every row after it would be read into this one; "
        f"{UNCLOSED}",
    )
    assert all(value not in p for p in found for value in ("canary", "Dave", "Three", "qa-3", "qa-4"))


def test_a_quote_never_closed_before_128_kib_more_is_refused_at_its_row(tmp_path: Path) -> None:
    # csv gives up on a cell past its field limit (131,072 characters) before the file ends.
    rows = [f"qa-{i:04},{EMAIL_CANARY},Person {i}" for i in range(4_000)]
    found = problems(tmp_path, spreadsheet("username,email,name", 'qa-x,qa-x@example.com,"Dave', *rows))
    assert found == (
        f"{AT} 2) cannot be read as CSV (field larger than field limit (131072)), most likely because a quote "
        f"opened in it is never closed; {UNCLOSED}",
    )


def test_a_semicolon_separated_export_is_read(tmp_path: Path) -> None:
    # Excel's CSV where the decimal mark is a comma (German and many more): cells split at ";",
    # so a comma in a name is left unquoted, and a semicolon in one is quoted.
    text = spreadsheet("Username;Email;Name", "qa-1;qa-1@example.com;Müller, Hans",
                       'qa-2;qa-2@example.com;"Meier; Anna"')
    assert [(a.username, a.email, a.name) for a in load_file(tmp_path, text).accounts] == [
        ("qa-1", "qa-1@example.com", "Müller, Hans"), ("qa-2", "qa-2@example.com", "Meier; Anna")]


def test_a_semicolon_separated_row_that_does_not_fit_names_the_separator(tmp_path: Path) -> None:
    text = spreadsheet("username;email;name", "qa-1;qa-1@example.com;Eins", f"qa-2,{EMAIL_CANARY},Zwei")
    assert problems(tmp_path, text) == (
        f"{AT} 3) has 1 semicolon-separated fields but the header has 3; quote a value that contains a semicolon.",)


def test_a_tab_separated_export_is_read(tmp_path: Path) -> None:
    text = spreadsheet("username\temail\tname", "qa-1\tqa-1@example.com\tDoe, Jane; Jr.")
    assert [(a.username, a.name) for a in load_file(tmp_path, text).accounts] == [("qa-1", "Doe, Jane; Jr.")]


def test_header_names_are_read_in_any_case_with_spaces_around(tmp_path: Path) -> None:
    text = spreadsheet(" Username ,EMAIL, Name", "qa-1,qa-1@example.com,QA One")
    assert [(a.username, a.email, a.name) for a in load_file(tmp_path, text).accounts] == [
        ("qa-1", "qa-1@example.com", "QA One")]


def test_a_semicolon_header_with_spaces_around_its_names_is_read(tmp_path: Path) -> None:
    # The separator is told from the header: padded names (as a hand-edited export has) must not hide it.
    text = spreadsheet(" Username ; EMAIL ;Name", "qa-1;qa-1@example.com;Doe, Jane")
    assert [(a.username, a.email, a.name) for a in load_file(tmp_path, text).accounts] == [
        ("qa-1", "qa-1@example.com", "Doe, Jane")]


NO_HEADER = ("(accounts.csv, row 1) must be the header row naming the columns username,email,name (separated by "
             "commas, semicolons or tabs) but lacks")


@pytest.mark.parametrize(("text", "sentence"), [
    ("qa-1,qa-1@example.com,One\n", f"{NO_HEADER} username and email; add the header as the file's first line."),
    ("", f"{NO_HEADER} username and email; add the header as the file's first line."),
    ("username,mail\nqa-1,qa-1@example.com\n", f"{NO_HEADER} email; add the header as the file's first line."),
    ("username|email\nqa-1|qa-1@example.com\n",
     f"{NO_HEADER} username and email; add the header as the file's first line."),
    ("username,email, Phone\nqa-1,qa-1@example.com,+1555\n",
     "(accounts.csv, row 1, column Phone) is not a test-account column; use username, email, name."),
    ("username,email,Email\nqa-1,qa-1@example.com,qa-1@example.com\n",
     "(accounts.csv, row 1) names a column twice; name each of username, email, name once."),
    ('"username,email\nqa-1,qa-1@example.com\n',
     f"(accounts.csv, row 1) opens a quote that is never closed, so every row after it would be read into this "
     f"one; {UNCLOSED}"),
])
def test_a_bad_header_is_one_sentence(tmp_path: Path, text: str, sentence: str) -> None:
    assert problems(tmp_path, text) == (f"Stack config testAccountsFile {sentence}",)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(sc.StackConfigError) as caught:
        sc.load({"testAccountsFile": "nope.csv"}.get, has_test_account_password=True, root=tmp_path)
    assert caught.value.problems == (
        "Stack config testAccountsFile names nope.csv, which does not exist; give a path relative to the project "
        "folder (the one with Pulumi.yaml).",)


def test_file_accounts_need_the_password_too(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("username,email\nqa-1,qa-1@example.com\n")
    with pytest.raises(sc.StackConfigError, match=r"testAccountPassword is missing"):
        sc.load({"testAccountsFile": "a.csv"}.get, has_test_account_password=False, root=tmp_path)


ROWS = 2_000


def test_a_2000_row_file_registers_2000_users_and_2000_resets(run_stack: Callable[..., Run],
                                                              tmp_path: Path) -> None:
    # Measured 2026-11-30 on the 2-core build machine, shared with other test runs: 15.9 s for
    # this whole run (4,000 resources registered under mocks, ~4 ms each, as docs/performance.md
    # registration figures) against 8.5 s for 1,000 rows: linear. Reading and checking the
    # file alone: about 20 ms for 4,000 rows, 60 ms for 8,000. No time is asserted (no timed
    # tests); the figures are in docs/performance.md.
    path = tmp_path / "fleet.csv"
    path.write_text("username,email,name\n" + "".join(f"qa-{i:04},qa-{i:04}@example.com,QA {i}\n"
                                                       for i in range(ROWS)))
    run = run_stack({"testAccountsFile": str(path), "maxResetsPerRun": "50"},
                    secrets={"testAccountPassword": PASSWORD})
    users, resets = run.all(USER), run.all(RESET)
    assert len(users) == len(resets) == ROWS
    assert {u.inputs["username"] for u in users} == {r.inputs["username"] for r in resets} == {
        f"qa-{i:04}" for i in range(ROWS)}
    assert users[-1].inputs["attributes"] == {"email": "qa-1999@example.com", "email_verified": "true",
                                              "name": "QA 1999"}
