"""The bonded-stock reconciliation as a page, a CSV download and a PDF, for the admin (every entry) and for a
merchant (its own entries); both blueprints call these with the scope they allow."""
from __future__ import annotations

from flask import Response, render_template, request, stream_with_context

from shop.i18n import current_language
from shop.services import bonded_stock, csv_export, documents
from shop.web.fulfilment.words import script_lang
from shop.web.labels import LOT_STATUS, label


def helpers() -> dict:
    return {"lot_status": lambda code: label(LOT_STATUS, code), "script_lang": script_lang}


def page(template: str, merchant_id: int | None, **context) -> str:
    """The reconciliation page, narrowed to `?entry=` when it names one."""
    entry = bonded_stock.entry_from(request.args.get("entry"))
    found = bonded_stock.reconciliation(merchant_id, entry)
    return render_template(template, found=found, entry=entry, **helpers(), **context)


def csv_download(merchant_id: int | None, filename: str) -> Response:
    """Every lot of the scope (or of `?entry=`), one row each, streamed through the formula-safe writer."""
    entry = bonded_stock.entry_from(request.args.get("entry"))
    body = csv_export.stream_csv(bonded_stock.CSV_COLUMNS, bonded_stock.csv_rows(merchant_id, entry))
    return Response(stream_with_context(body), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})


def pdf_download(merchant_id: int | None, filename: str, scope: str) -> Response:
    """The same figures as a printed document (WeasyPrint through the documents adapter)."""
    entry = bonded_stock.entry_from(request.args.get("entry"))
    found = bonded_stock.reconciliation(merchant_id, entry)
    html = render_template("bonded_stock/report.html", found=found, entry=entry, scope=scope, for_pdf=True,
                           show_merchant=merchant_id is None, doc_lang=current_language(), **helpers())
    return Response(documents.render_pdf(html), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}.pdf"'})
