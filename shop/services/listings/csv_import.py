"""The all-or-nothing CSV import of one merchant's listings and lots (`shop import-listings` and
the portal's import page): every row checked, every problem collected, then one transaction."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from shop.database import write_transaction
from shop.domain.messages import N_
from shop.domain.variants import VariantRule
from shop.extensions import db
from shop.models import Category, Lot, Merchant, Product, StockMove
from shop.services import locking
from shop.services.audit import audit
from shop.services.catalogue import category_tree
from shop.services.listings.columns import LOT_COLUMNS
from shop.services.listings.csv_file import MAX_BYTES, MAX_ROWS, Row, read_rows
from shop.services.listings.drafts import LISTING_FIELDS, ListingDraft, LotDraft
from shop.services.listings.fields import clean_text, shown, today
from shop.services.listings.import_errors import ListingImportError, ProblemList
from shop.services.listings.parsing import parse_listing, parse_lot
from shop.services.listings.writes import Slugs, apply_listing, receive_into, reindex
from shop.services.variants import VariantGroups, refusal

T = TypeVar("T")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    lots: int = 0
    lots_updated: int = 0
    rows: int = 0


@dataclass
class _Listing:
    """The rows of one SKU, which agree on its listing."""

    draft: ListingDraft
    rows: list[Row]


def _check_cells(rows: list[Row], problems: ProblemList, categories: dict[str, Category]) -> None:
    """Each row on its own: listing fields, then its lot when it names one."""
    for row in rows:
        draft, found = parse_listing(row.cells, categories=categories)
        for column, message in found.items():
            problems.add(row.number, column, message)
        row.listing = draft
        lot_cells = {key: row.cells.get(column, "") for column, key in LOT_COLUMNS.items()}
        if clean_text(lot_cells["lot_number"]):
            lot, found = parse_lot(lot_cells, new=False)
            for key, message in found.items():
                column = next(c for c, k in LOT_COLUMNS.items() if k == key)
                problems.add(row.number, column, message)
            row.lot = lot
        else:
            for column in ("lot_quantity", "lot_expiry", "bin", "customs_entry"):
                if clean_text(row.cells.get(column)):
                    problems.add(row.number, column, N_("This row has no lot_number, so it cannot take lot details."))
                    break


def _check_across_rows(rows: list[Row], problems: ProblemList) -> dict[str, _Listing]:
    """Rows of one SKU must agree on the listing; a lot number appears once. Answers the listings by SKU."""
    by_sku: dict[str, _Listing] = {}
    lot_rows: dict[str, int] = {}
    for row in rows:
        if row.listing is not None:
            group = by_sku.setdefault(row.listing.sku, _Listing(row.listing, []))
            if group.rows and group.draft != row.listing:
                first = group.rows[0]
                column = next((c for c in LISTING_FIELDS if c in row.cells
                               and clean_text(row.cells[c]) != clean_text(first.cells.get(c))), "sku")
                problems.add(row.number, column, N_("The listing %(sku)s differs from row %(row)d: rows of one SKU "
                                                    "must agree.", sku=row.listing.sku, row=first.number))
            group.rows.append(row)
        if row.lot is not None:
            if row.lot.lot_number in lot_rows:
                problems.add(row.number, "lot_number", N_("Lot %(lot)s is also on row %(row)d.",
                                                          lot=row.lot.lot_number, row=lot_rows[row.lot.lot_number]))
            else:
                lot_rows[row.lot.lot_number] = row.number
    return by_sku


def _chunks(values: list[T], size: int = 500) -> Iterator[list[T]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def import_listings_csv(data: bytes, merchant_slug: str, progress: Callable[[int, int], None] | None = None,
                        *, user_id: int | None = None, max_bytes: int = MAX_BYTES,
                        max_rows: int = MAX_ROWS) -> ImportResult:
    """Create or update one merchant's listings and receive their lots from CSV: all rows or none.

    Every row is checked first and every problem is collected (row, column, message); only a file
    without problems is written, in one transaction. A row with an empty lot_number changes the
    listing only. A lot number the product already has is taken as received before: the row must
    match it (quantity received, customs entry, expiry) and may move it to another bin, so running
    the same file twice changes nothing. `progress(done, total)` is called as rows are checked
    and then written (total = twice the rows)."""
    report = progress or (lambda done, total: None)
    merchant = db.session.scalar(sa.select(Merchant).where(Merchant.slug == merchant_slug))
    if merchant is None:
        raise ListingImportError.of_file(N_("There is no merchant %(slug)s.", slug=shown(merchant_slug)))
    _header, rows = read_rows(data, max_bytes=max_bytes, max_rows=max_rows)
    total = len(rows) * 2
    report(0, total)
    problems = ProblemList()
    categories = category_tree().by_slug
    _check_cells(rows, problems, categories)
    by_sku = _check_across_rows(rows, problems)
    report(len(rows), total)
    if problems.more:
        problems.raise_if_any()

    result = ImportResult(rows=len(rows))
    try:
        with write_transaction():
            # Checks against what the shop holds run for every row too, so one pass lists everything.
            products = _lock_products(list(by_sku))
            lots = _lock_lots([row.lot.lot_number for row in rows if row.lot is not None])
            received = _received_quantities([lot.id for lot in lots.values()])
            for sku, listing in by_sku.items():
                product = products.get(sku)
                if product is not None and product.merchant_id != merchant.id:
                    problems.add(listing.rows[0].number, "sku",
                                 N_("The SKU %(sku)s belongs to another merchant.", sku=sku))
                    continue
                for row in listing.rows:
                    if row.lot is not None:
                        _check_lot_against(row.number, row.lot, product, lots.get(row.lot.lot_number), received,
                                           problems)
            problems.raise_if_any()

            slugs, groups = Slugs(), VariantGroups(merchant.id)
            slugs.look_up((lang, name, sku) for sku, listing in by_sku.items()
                          for lang, (name, _description) in listing.draft.texts.items()
                          if products.get(sku) is None or lang not in {t.lang for t in products[sku].translations})
            done = len(rows)
            to_index = []
            for sku, listing in by_sku.items():
                draft = listing.draft
                existing = products.get(sku)
                try:
                    product, changes = apply_listing(existing, merchant.id, draft, categories[draft.category], slugs,
                                                     groups)
                except VariantRule as rule:
                    column, message = refusal(rule, draft.variant.code if draft.variant else "")
                    problems.add(listing.rows[0].number, column, message)
                    continue
                if existing is None:
                    result.created += 1
                    audit(user_id, "listing.create", "product", sku, {"via": "csv", **changes})
                elif changes:
                    result.updated += 1
                    audit(user_id, "listing.update", "product", sku, {"via": "csv", **changes})
                else:
                    result.unchanged += 1
                if changes:
                    to_index.append(product)
                for row in listing.rows:
                    if row.lot is not None:
                        lot = lots.get(row.lot.lot_number)
                        if lot is None:
                            receive_into(product, row.lot, user_id, "csv import")
                            result.lots += 1
                        elif lot.bin != row.lot.bin:
                            audit(user_id, "lot.move", "lot", lot.lot_number, {"bin": [lot.bin, row.lot.bin],
                                                                               "via": "csv"})
                            lot.bin = row.lot.bin
                            result.lots_updated += 1
                    done += 1
                    if done % 100 == 0:
                        report(done, total)
            problems.raise_if_any()  # a group that refused a variant: nothing is kept
            reindex(to_index)
            audit(user_id, "listings.import", "merchant", merchant.slug, {
                "rows": result.rows, "created": result.created, "updated": result.updated, "lots": result.lots,
                "lots_updated": result.lots_updated})
    except IntegrityError:
        # Another import or edit took a SKU, lot number or slug between our checks and our writes.
        raise ListingImportError.of_file(N_(
            "These listings were changed at the same time by someone else; nothing was imported. Please try "
            "again.")) from None
    report(total, total)
    return result


def _lock_products(skus: list[str]) -> dict[str, Product]:
    found: dict[str, Product] = {}
    for chunk in _chunks(skus):
        found.update((p.sku, p) for p in locking.lock_products(
            Product.sku.in_(chunk), options=(selectinload(Product.translations), selectinload(Product.category))))
    return found


def _lock_lots(numbers: list[str]) -> dict[str, Lot]:
    found: dict[str, Lot] = {}
    for chunk in _chunks(numbers):
        found.update((lot.lot_number, lot) for lot in locking.lock_lots(Lot.lot_number.in_(chunk)))
    return found


def _received_quantities(lot_ids: list[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for chunk in _chunks(lot_ids):
        found.update((lot_id, int(total or 0)) for lot_id, total in db.session.execute(
            sa.select(StockMove.lot_id, sa.func.sum(StockMove.on_hand_delta))
            .where(StockMove.lot_id.in_(chunk), StockMove.kind == "intake").group_by(StockMove.lot_id)))
    return found


def _check_lot_against(number: int, draft: LotDraft, product: Product | None, lot: Lot | None,
                       received: dict[int, int], problems: ProblemList) -> None:
    """A row's lot against the shop: a new one may not have expired, a known one must be the
    same lot of the same listing, received as the row says."""
    if lot is None:
        if draft.expiry is not None and draft.expiry < today():
            problems.add(number, "lot_expiry", N_("This date has passed: an expired lot cannot be received."))
        return
    if product is None or lot.product_id != product.id:
        problems.add(number, "lot_number", N_("The lot number %(lot)s is already in use for another listing.",
                                              lot=draft.lot_number))
        return
    got = received.get(lot.id, 0)
    if draft.quantity != got:
        problems.add(number, "lot_quantity", N_(
            "Lot %(lot)s was received with %(quantity)d units; change its stock in the portal, with a reason.",
            lot=draft.lot_number, quantity=got))
    if draft.customs_entry != lot.customs_entry:
        problems.add(number, "customs_entry", N_("Lot %(lot)s came in under customs entry %(entry)s.",
                                                 lot=draft.lot_number, entry=lot.customs_entry))
    if draft.expiry != lot.expiry:
        problems.add(number, "lot_expiry", N_("Lot %(lot)s was received with expiry %(expiry)s.",
                                              lot=draft.lot_number,
                                              expiry=lot.expiry.isoformat() if lot.expiry else "—"))
