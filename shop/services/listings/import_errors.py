"""Why a CSV file was refused: each problem with its row and column, gathered into one error."""
from __future__ import annotations

from dataclasses import dataclass, field

from shop.domain.messages import N_, Nn_, Sentence
from shop.services.listings.columns import COLUMNS, OPTIONAL_COLUMNS

# Problems listed at most; past this the import stops checking and says there were more.
MAX_ERRORS = 200
# Problems spelled out in the error's text (the CLI's output); the portal lists all.
_SPELLED_OUT = 20


@dataclass(frozen=True)
class RowError:
    """A problem in the file: `row` counts as a spreadsheet does (the header is row 1; 0 is the
    whole file), `column` is the header name or None."""

    row: int
    column: str | None
    message: Sentence

    def sentence(self) -> Sentence:
        """The problem with its place in the file, as one sentence."""
        if self.row and self.column:
            return N_("Row %(row)d, column %(column)s: %(message)s", row=self.row, column=self.column,
                      message=self.message)
        if self.row:
            return N_("Row %(row)d: %(message)s", row=self.row, message=self.message)
        return self.message

    def __str__(self) -> str:
        return str(self.sentence())


class ListingImportError(Exception):
    """The file was refused and nothing was written; `errors` says where and why."""

    def __init__(self, errors: list[RowError], more: bool = False) -> None:
        self.errors = errors
        self.more = more  # errors were left out after MAX_ERRORS
        super().__init__(errors)

    @classmethod
    def of_file(cls, message: Sentence, row: int = 0) -> ListingImportError:
        """The file refused for one reason (row 0: the file as a whole)."""
        return cls([RowError(row, None, message)])

    def sentences(self) -> list[Sentence]:
        """A summary line, then the first problems, then how many more there are."""
        shown = self.errors[:_SPELLED_OUT]
        lines: list[Sentence] = [
            Nn_("The file has %(num)d problem; nothing was imported.",
                "The file has %(num)d problems; nothing was imported.", len(self.errors))
            if not self.more else N_("The file has more than %(num)d problems; nothing was imported.",
                                     num=MAX_ERRORS)]
        lines += [error.sentence() for error in shown]
        if len(self.errors) > len(shown):
            lines.append(N_("… and %(num)d more.", num=len(self.errors) - len(shown)))
        return lines

    def __str__(self) -> str:
        return "\n".join(str(line) for line in self.sentences())


@dataclass
class ProblemList:
    """The problems found so far, at most MAX_ERRORS of them."""

    items: list[RowError] = field(default_factory=list)
    more: bool = False

    def add(self, row: int, column: str | None, message: Sentence) -> None:
        if len(self.items) >= MAX_ERRORS:
            self.more = True
            return
        self.items.append(RowError(row, column, message))

    def raise_if_any(self) -> None:
        """ListingImportError with every problem in file order (row, then column), if there is one."""
        if self.items:
            order = {name: n for n, name in enumerate((*COLUMNS, *OPTIONAL_COLUMNS))}
            self.items.sort(key=lambda e: (e.row, order.get(e.column or "", -1)))
            raise ListingImportError(self.items, self.more)
